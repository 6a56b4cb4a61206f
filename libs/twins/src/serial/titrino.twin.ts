import type { Rng } from '@graftlab/grafting-model';
import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { SerialTwinBase, type TwinCounters } from './serial-twin.base';

const PROG = '5.848.0010';

/** A method stored on the twin's titrator (names and figures assumed: a real instrument holds its own). */
interface TitrationMethod {
  readonly titrant: string;
  /** Stirring in 1 M NaCl before dosing starts, lab minutes (the ion exchange). */
  readonly exchangeMin: number;
  /** Mean dosing rate of the dynamic titration, mL/min. */
  readonly doseMlPerMin: number;
  /** Dosing stops here when no endpoint shows, mL. */
  readonly stopMl: number;
}

export const TITRINO_METHODS: Readonly<Record<string, TitrationMethod>> = {
  // Cation exchanger in H⁺ form: NaCl releases H⁺, titrated with NaOH.
  'IEC-NAOH': { titrant: 'NaOH', exchangeMin: 15, doseMlPerMin: 4, stopMl: 50 },
  // Anion exchanger in OH⁻ form: NaCl releases OH⁻, titrated with HCl.
  'IEC-HCL': { titrant: 'HCl', exchangeMin: 15, doseMlPerMin: 4, stopMl: 50 },
};

/** Titrant dosed past the endpoint before the titration ends, mL. */
const PAST_EP_ML = 1;
/** Below this equivalence volume there is no inflection to find, mL. */
const MIN_EP_ML = 0.1;
/** Replicate scatter of a titrated IEC (reference §2.6: ±0.05 mmol/g). */
const IEC_SD = 0.05;
const MESSAGE_ELECTRODE = '010-141';
const MESSAGE_BOTTLE_EMPTY = '010-130';
const DEFAULT_BOTTLE_ML = 1000;
const REMEMBERED = 1000;

interface Determination {
  readonly id: string;
  readonly sampleSizeG: number;
  readonly titrant: string;
  readonly molPerL: number;
  /** Lab ms when dosing starts (after the exchange) and ends; both move on by the time spent on hold. */
  dosingFrom: number;
  endsAt: number;
  readonly rateMlPerMs: number;
  /** Where dosing stops: past the endpoint, at the stop volume, or where a failure cut it short. */
  readonly finalMl: number;
  /** Equivalence volume; undefined when no endpoint shows. */
  readonly eqMl?: number;
  readonly epPh: number;
  /** Message the determination ends with ('0' none). */
  readonly endMessage: string;
  state: 'running' | 'ended' | 'stopped';
  heldAt?: number;
  dosedMl: number;
}

/**
 * Metrohm Titrino plus-style titrator twin (RS-232 remote control: CR LF both ways, every command
 * acknowledged, nothing unsolicited). $-commands as the Titrino plus manual lists them ($G $S $H $D $A $L $Q);
 * the acknowledgement format, the &SmplData entries, $R and the variables beyond EP1/R1/C00/CI1 are graftlab's
 * assumptions, documented with the driver. The titration is modelled lazily on the lab clock: exchange, then
 * dosing at a mean rate past the endpoint (or to the stop volume when there is none). The equivalence volume
 * comes from what lies in the cell: n = IEC·m (world truth, ±0.05 mmol/g scatter), V = n/c.
 * Inventory: reagent is the installed titrant (default NaOH), limits.titrantMolPerL its concentration (0.01)
 * and limits.bottleMl the titrant bottle (1000): once it is dosed empty a determination ends with 010-130.
 * Faults: device-error is taken by the next start and ends that determination halfway with its code (default
 * 010-141, electrode error; "NV" makes it find no endpoint).
 */
export class TitrinoTwin extends SerialTwinBase {
  private readonly rng: Rng;
  private readonly titrant: string;
  private readonly molPerL: number;
  private readonly bottleMl: number;
  private method?: string;
  private pendingId?: string;
  private pendingSizeG?: number;
  /** The message on the display, waiting for $A. */
  private message = '0';
  /** The determination the result variables refer to: the last started, or the last recalled with $R. */
  private current?: Determination;
  /** The determination running or on hold (one at a time). */
  private active?: Determination;
  private readonly determinations = new Map<string, Determination>();
  private started = 0;
  private completed = 0;
  private dosedBefore = 0;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.rng = world.rng.fork(`titrino:${device.id}`);
    this.titrant = device.reagent ?? 'NaOH';
    this.molPerL = device.limits.titrantMolPerL ?? 0.01;
    this.bottleMl = device.limits.bottleMl ?? DEFAULT_BOTTLE_ML;
  }

  override counters(): TwinCounters & { titrationsStarted: number; titrationsCompleted: number } {
    this.advance();
    return {
      dispensedMl: this.dosedTotal(),
      exposures: 0,
      cumulativeOpenMs: 0,
      titrationsStarted: this.started,
      titrationsCompleted: this.completed,
    };
  }

  state(): Readonly<Record<string, unknown>> {
    this.advance();
    return {
      state: this.scanState(),
      message: this.message,
      determination: this.current?.id,
      determinationState: this.current?.state,
      method: this.method,
      bottleMl: this.bottleMl - this.dosedTotal(),
    };
  }

  /** Safe: the burette is not dosing and will not resume (no determination running or on hold). */
  isSafe(): boolean {
    this.advance();
    return this.active === undefined;
  }

  protected split(buf: Buffer): { requests: Buffer[]; rest: Buffer } {
    const requests: Buffer[] = [];
    let rest = buf;
    for (let lf = rest.indexOf(0x0a); lf >= 0; lf = rest.indexOf(0x0a)) {
      requests.push(Buffer.from(rest.subarray(0, lf + 1)));
      rest = rest.subarray(lf + 1);
    }
    return { requests, rest };
  }

  protected handle(request: Buffer): Buffer {
    this.advance();
    const text = request
      .toString('latin1')
      .replace(/[\r\n]+$/, '')
      .trim();
    const trigger = /^\$([A-Z])(?:\((.*)\))?$/.exec(text);
    if (trigger) return line(this.trigger(trigger[1], trigger[2]));
    const entry = /^&SmplData\.(Id1|Size)\s*"(.*)"$/i.exec(text);
    if (entry) return line(this.sampleData(entry[1].toLowerCase(), entry[2]));
    return line(`${/^[^ ("]*/.exec(text)?.[0] || '?'};ERR;000-001`);
  }

  private trigger(letter: string, arg: string | undefined): string {
    const head = `$${letter}`;
    const ok = `${head};OK`;
    const err = (code: string) => `${head};ERR;${code}`;
    const running = this.active;
    switch (letter) {
      case 'D':
        return `${this.scanState()};${this.message}`;
      case 'G':
        if (running?.heldAt !== undefined) {
          this.resume(running);
          return ok;
        }
        return this.start() ?? ok;
      case 'S':
        if (running) this.finish(running, 'stopped');
        return ok;
      case 'H':
        if (!running) return err('000-004');
        running.heldAt ??= this.world.clock.now();
        return ok;
      case 'A':
        if (arg !== undefined && !/^(OK|CANCEL|YES|NO)$/i.test(arg)) return err('000-002');
        this.message = '0';
        return ok;
      case 'L':
        if (arg === undefined || !TITRINO_METHODS[arg]) return err('000-003');
        this.method = arg;
        return ok;
      case 'R': {
        const known = arg === undefined ? undefined : this.determinations.get(arg);
        if (!known) return err('000-005');
        this.current = known;
        return ok;
      }
      case 'Q':
        return arg === undefined ? err('000-002') : this.variable(arg);
      default:
        return err('000-001');
    }
  }

  private sampleData(field: string, value: string): string {
    const head = field === 'id1' ? '&SmplData.Id1' : '&SmplData.Size';
    if (field === 'id1') {
      if (!/^[\x21-\x7e]{1,40}$/.test(value) || /[;()"]/.test(value)) return `${head};ERR;000-002`;
      this.pendingId = value;
      return `${head};OK`;
    }
    const grams = Number(value);
    if (value.trim() === '' || !Number.isFinite(grams) || grams <= 0 || grams > 100)
      return `${head};ERR;000-002`;
    this.pendingSizeG = grams;
    return `${head};OK`;
  }

  /** $G from ready: a new determination, or (graftlab rule) the recall of one whose sample id is known. */
  private start(): string | undefined {
    const err = (code: string) => `$G;ERR;${code}`;
    if (this.active) return err('000-004');
    if (this.message !== '0') return err('000-007');
    const method = this.method === undefined ? undefined : TITRINO_METHODS[this.method];
    if (!method) return err('000-003');
    if (method.titrant !== this.titrant) return err('000-006');
    const id = this.pendingId;
    const sizeG = this.pendingSizeG;
    if (id === undefined || sizeG === undefined) return err('000-002');
    this.pendingId = undefined;
    this.pendingSizeG = undefined;
    const known = this.determinations.get(id);
    if (known) {
      // The same sample id again: never titrate twice, answer with what that determination gave.
      this.current = known;
      return undefined;
    }
    this.current = this.active = this.newDetermination(id, sizeG, method);
    this.determinations.set(id, this.current);
    if (this.determinations.size > REMEMBERED)
      this.determinations.delete(this.determinations.keys().next().value!);
    this.started++;
    return undefined;
  }

  private newDetermination(id: string, sampleSizeG: number, method: TitrationMethod): Determination {
    const now = this.world.clock.now();
    const fault = this.faults.take('device-error');
    // What the titrant meets: the exchange groups of every film in the cell (none: a blank).
    const cell = this.world.instrumentCell(this.deviceId);
    let mmol = 0;
    for (const s of cell?.samples ?? []) {
      const iec = this.world.truth.iecMmolPerG(s);
      if (iec > 0) mmol += Math.max(0, iec + this.rng.normal(0, IEC_SD)) * s.dryMassG();
    }
    const epPh = 7 + this.rng.normal(0, 0.08);
    let eqMl: number | undefined = mmol / this.molPerL;
    if (eqMl < MIN_EP_ML || eqMl > method.stopMl || fault?.code === 'NV') eqMl = undefined;
    const plannedMl = eqMl === undefined ? method.stopMl : eqMl + PAST_EP_ML;
    let finalMl = plannedMl;
    let endMessage = '0';
    if (fault && fault.code !== 'NV') {
      endMessage = fault.code ?? MESSAGE_ELECTRODE;
      finalMl = plannedMl / 2;
    }
    const left = Math.max(0, this.bottleMl - this.dosedTotal());
    if (left < finalMl) {
      endMessage = MESSAGE_BOTTLE_EMPTY;
      finalMl = left;
    }
    const rateMlPerMs = method.doseMlPerMin / 60_000;
    const dosingFrom = now + method.exchangeMin * 60_000;
    return {
      id,
      sampleSizeG,
      titrant: this.titrant,
      molPerL: this.molPerL,
      dosingFrom,
      endsAt: dosingFrom + finalMl / rateMlPerMs,
      rateMlPerMs,
      finalMl,
      eqMl: endMessage === '0' ? eqMl : undefined,
      epPh,
      endMessage,
      state: 'running',
      dosedMl: 0,
    };
  }

  private variable(name: string): string {
    const d = this.current;
    const nv = `${name};NV`;
    const ended = d?.state === 'ended' && d.eqMl !== undefined ? d : undefined;
    switch (name) {
      case 'PROG':
        return `PROG;${PROG}`;
      case 'SOL':
        return `SOL;${this.titrant};${this.molPerL.toFixed(5)};mol/L`;
      case 'NDET':
        return `NDET;${this.started}`;
      case 'NEND':
        return `NEND;${this.completed}`;
      case 'VDOS':
        return `VDOS;${this.dosedTotal().toFixed(4)};mL`;
      case 'CI1':
        return d ? `CI1;${d.id}` : nv;
      case 'C00':
        return d ? `C00;${d.sampleSizeG.toFixed(5)};g` : nv;
      case 'DS':
        return d ? `DS;${d.state}` : nv;
      case 'MSG':
        return d ? `MSG;${d.state === 'running' ? '0' : d.endMessage}` : nv;
      case 'VTOT':
        return d ? `VTOT;${this.dosed(d).toFixed(4)};mL` : nv;
      case 'EP1':
        return ended ? `EP1;${ended.eqMl!.toFixed(4)};mL` : nv;
      case 'EPM1':
        return ended ? `EPM1;${ended.epPh.toFixed(2)};pH` : nv;
      case 'R1':
        return ended ? `R1;${((ended.eqMl! * ended.molPerL) / ended.sampleSizeG).toFixed(4)};mmol/g` : nv;
      default:
        return `$Q;ERR;000-002`;
    }
  }

  private scanState(): 'Ready' | 'Busy' | 'Hold' {
    if (!this.active) return 'Ready';
    return this.active.heldAt === undefined ? 'Busy' : 'Hold';
  }

  private resume(d: Determination): void {
    const held = this.world.clock.now() - d.heldAt!;
    d.dosingFrom += held;
    d.endsAt += held;
    d.heldAt = undefined;
  }

  /** Titrant dosed so far in a determination. */
  private dosed(d: Determination): number {
    if (d.state !== 'running') return d.dosedMl;
    const t = d.heldAt ?? this.world.clock.now();
    return Math.min(d.finalMl, Math.max(0, (t - d.dosingFrom) * d.rateMlPerMs));
  }

  private dosedTotal(): number {
    return this.dosedBefore + (this.active ? this.dosed(this.active) : 0);
  }

  private finish(d: Determination, state: 'ended' | 'stopped'): void {
    d.dosedMl = state === 'ended' ? d.finalMl : this.dosed(d);
    d.state = state;
    d.heldAt = undefined;
    this.active = undefined;
    this.dosedBefore += d.dosedMl;
    if (state === 'ended' && d.endMessage !== '0') this.message = d.endMessage;
    if (state === 'ended' && d.endMessage === '0' && d.eqMl !== undefined) this.completed++;
  }

  /** Ends the running determination once its lab time is up. */
  private advance(): void {
    const d = this.active;
    if (d && d.heldAt === undefined && this.world.clock.now() >= d.endsAt) this.finish(d, 'ended');
  }
}

function line(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1');
}
