import type { Rng } from '@graftlab/grafting-model';
import type { InventoryDevice } from '@graftlab/inventory';
import { SerialTwinBase } from '../serial/serial-twin.base';
import type { LabWorld, WorldSample } from '../world/lab-world';
import { canonicalHeader, nr3Out } from './scpi-header';

const IDN = 'Keysight Technologies,E4990A,MY54300211,A.02.14';
const F_MIN = 20;
const F_MAX = 10e6;
const MAX_POINTS = 1601;
const SCPI_ERRORS: Readonly<Record<number, string>> = {
  [-104]: 'Data type error',
  [-109]: 'Missing parameter',
  [-113]: 'Undefined header',
  [-200]: 'Execution error',
  [-211]: 'Trigger ignored',
  [-222]: 'Data out of range',
  [-224]: 'Illegal parameter value',
  [-230]: 'Data corrupt or stale',
  [-350]: 'Queue overflow',
};
const QUEUE = 10;
/** The open fixture: stray capacitance and leakage between the probes. */
const STRAY_F = 0.5e-12;
const LEAK_OHM = 1e12;
/** The cell's interface arc peaks here, and its blocking capacitance spurs up at the lowest frequencies. */
const ARC_HZ = 20e3;
/** Conductivity scatter of a measurement (reference §2.6: ±5 %) and the analyser's own noise per point. */
const SIGMA_SD = 0.05;
const POINT_SD = 2e-4;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const REMEMBERED = 1000;

interface Complex {
  re: number;
  im: number;
}

interface Spectrum {
  readonly freqs: number[];
  readonly z: Complex[];
  /** The film's resistance the spectrum was drawn around (undefined: open cell), Ω. */
  readonly resistanceOhm?: number;
}

/**
 * Keysight E4990A-style impedance analyser twin: SCPI over a raw TCP socket, LF-terminated, answers only to
 * queries, errors into a 10-entry queue read with SYST:ERR?. A single sweep (TRIG:SOUR BUS, TRIG:SING) measures
 * the film lying in the analyser's cell (world.instrumentCell): σ from the world's truth (±5 %) gives R through
 * the cell geometry of the inventory (in-plane four-probe: limits.probeSpacingCm, sampleWidthCm; or
 * through-plane: electrodeAreaCm2), and the spectrum is Z = R + R_ct/(1 + jωR_ct·C) + 1/(jωC_dl) in parallel
 * with the open fixture (stray capacitance), so an empty cell or a lost contact reads as a pure capacitance.
 * A sweep titled with a commandId it has measured before answers with that spectrum again.
 * Faults: device-error queues its code (default -222) instead of applying the next setting or trigger;
 * open-circuit shows the open fixture while active.
 */
export class E4990aTwin extends SerialTwinBase {
  private readonly rng: Rng;
  private startHz = F_MIN;
  private stopHz = F_MAX;
  private points = 201;
  private log = false;
  private mode = 'VOLT';
  private volt = 0.5;
  private trigger = 'INT';
  private continuous = true;
  private title = '';
  private errors: number[] = [];
  private sweep?: Spectrum & { endsAt: number };
  private last?: Spectrum;
  private readonly titled = new Map<string, Spectrum>();
  private sweeps = 0;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.rng = world.rng.fork(`e4990a:${device.id}`);
  }

  state(): Readonly<Record<string, unknown>> {
    this.advance();
    return {
      startHz: this.startHz,
      stopHz: this.stopHz,
      points: this.points,
      log: this.log,
      amplitudeV: this.volt,
      trigger: this.trigger,
      continuous: this.continuous,
      title: this.title,
      measuring: this.sweep !== undefined,
      resistanceOhm: this.last?.resistanceOhm,
      errors: [...this.errors],
      sweeps: this.sweeps,
    };
  }

  /** SCPI answers end in a bare LF: garble everything before it (the default spares two bytes). */
  protected override garbleRange(reply: Buffer): [number, number] {
    return [0, Math.max(0, reply.length - 1)];
  }

  /** Safe: no sweep under way (no AC on the sample). */
  isSafe(): boolean {
    this.advance();
    return this.sweep === undefined;
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

  protected async handle(request: Buffer): Promise<Buffer | undefined> {
    this.advance();
    const text = request.toString('latin1').trim();
    if (text === '') return undefined;
    const space = text.search(/\s/);
    const header = canonicalHeader(space < 0 ? text : text.slice(0, space));
    const arg = space < 0 ? undefined : text.slice(space).trim();
    if (header === undefined) return this.error(-113);
    if (header.endsWith('?')) {
      const reply = await this.query(header);
      return reply === undefined ? undefined : Buffer.from(`${reply}\n`, 'latin1');
    }
    // An injected instrument error refuses the next setting or trigger (common commands still work).
    const fault = header.startsWith('*') ? undefined : this.faults.take('device-error');
    if (fault) return this.error(Number.parseInt(fault.code ?? '-222', 10) || -222);
    this.set(header, arg);
    return undefined;
  }

  private async query(header: string): Promise<string | undefined> {
    switch (header) {
      case '*IDN?':
        return IDN;
      case '*OPC?':
        while (this.sweep) {
          await this.world.clock.sleep(Math.max(1, this.sweep.endsAt - this.world.clock.now()));
          this.advance();
        }
        return '1';
      case 'SYST:ERR?': {
        const code = this.errors.shift();
        return code === undefined
          ? '+0,"No error"'
          : `${code},"${SCPI_ERRORS[code] ?? 'Device-specific error'}"`;
      }
      case 'STAT:OPER:COND?':
        return this.sweep ? '16' : '0';
      case 'SENS:FREQ:STAR?':
        return nr3Out(this.startHz);
      case 'SENS:FREQ:STOP?':
        return nr3Out(this.stopHz);
      case 'SENS:SWE:POIN?':
        return String(this.points);
      case 'SENS:SWE:TYPE?':
        return this.log ? 'LOG' : 'LIN';
      case 'SOUR:MODE?':
        return this.mode;
      case 'SOUR:VOLT?':
        return nr3Out(this.volt);
      case 'TRIG:SOUR?':
        return this.trigger;
      case 'INIT:CONT?':
        return this.continuous ? '1' : '0';
      case 'DISP:WIND:TITL:DATA?':
        return `"${this.title}"`;
      case 'SENS:FREQ:DATA?':
        return this.frequencies().map(nr3Out).join(',');
      case 'CALC:DATA:RDAT?':
        if (!this.last) return this.error(-230);
        return this.last.z.map((z) => `${nr3Out(z.re)},${nr3Out(z.im)}`).join(',');
      default:
        return this.error(-113);
    }
  }

  private set(header: string, arg: string | undefined): void {
    const number = (min: number, max: number, apply: (v: number) => void) => {
      if (arg === undefined) return this.error(-109);
      if (!NUMBER.test(arg)) return this.error(-104);
      const v = Number(arg);
      if (v < min || v > max) return this.error(-222);
      apply(v);
    };
    const choice = (options: readonly string[], apply: (v: string) => void) => {
      if (arg === undefined) return this.error(-109);
      const v = arg.toUpperCase();
      if (!options.includes(v)) return this.error(-224);
      apply(v);
    };
    switch (header) {
      case '*RST':
        this.reset();
        return;
      case '*CLS':
        this.errors = [];
        return;
      case 'SENS:FREQ:STAR':
        // As on the instrument, a start above the stop drags the stop along (and the other way round).
        return number(F_MIN, F_MAX, (v) => {
          this.startHz = v;
          this.stopHz = Math.max(this.stopHz, v);
        });
      case 'SENS:FREQ:STOP':
        return number(F_MIN, F_MAX, (v) => {
          this.stopHz = v;
          this.startHz = Math.min(this.startHz, v);
        });
      case 'SENS:SWE:POIN':
        return number(2, MAX_POINTS, (v) => {
          if (Number.isInteger(v)) this.points = v;
          else this.error(-104);
        });
      case 'SENS:SWE:TYPE':
        return choice(['LIN', 'LOG'], (v) => (this.log = v === 'LOG'));
      case 'SOUR:MODE':
        return choice(['VOLT', 'CURR'], (v) => (this.mode = v));
      case 'SOUR:VOLT':
        return number(5e-3, 1, (v) => (this.volt = v));
      case 'FORM:DATA':
        return choice(['ASC'], () => undefined);
      case 'TRIG:SOUR':
        return choice(['INT', 'EXT', 'MAN', 'BUS'], (v) => (this.trigger = v));
      case 'INIT:CONT':
        return choice(['ON', 'OFF', '1', '0'], (v) => (this.continuous = v === 'ON' || v === '1'));
      case 'TRIG:SING':
        if (this.trigger !== 'BUS' || this.sweep) return this.error(-211);
        this.startSweep();
        return;
      case 'ABOR':
        this.sweep = undefined;
        return;
      case 'DISP:WIND:TITL:DATA': {
        const quoted = /^"([^"]*)"$/.exec(arg ?? '');
        if (!quoted) return this.error(-104);
        this.title = quoted[1];
        return;
      }
      default:
        this.error(-113);
    }
  }

  private startSweep(): void {
    const freqs = this.frequencies();
    const key = this.title && `${this.title}|${this.startHz}|${this.stopHz}|${this.points}|${this.log}`;
    let spectrum = key ? this.titled.get(key) : undefined;
    if (!spectrum) {
      spectrum = this.measure(freqs);
      if (key) {
        this.titled.set(key, spectrum);
        if (this.titled.size > REMEMBERED) this.titled.delete(this.titled.keys().next().value!);
      }
    }
    // A few periods per point and a millisecond of settling, at the lowest frequencies most of the time.
    const durationMs = freqs.reduce((t, f) => t + Math.max(2000 / f, 0.5) + 1, 0);
    this.sweep = { ...spectrum, endsAt: this.world.clock.now() + durationMs };
    this.sweeps++;
  }

  private advance(): void {
    if (this.sweep && this.world.clock.now() >= this.sweep.endsAt) {
      const { endsAt: _, ...spectrum } = this.sweep;
      this.last = spectrum;
      this.sweep = undefined;
    }
  }

  private frequencies(): number[] {
    const n = this.points;
    return Array.from({ length: n }, (_, i) => {
      const t = n === 1 ? 0 : i / (n - 1);
      return this.log
        ? this.startHz * Math.pow(this.stopHz / this.startHz, t)
        : this.startHz + (this.stopHz - this.startHz) * t;
    });
  }

  /** The spectrum of what lies in the cell now (the first film there), with the analyser's noise. */
  private measure(freqs: number[]): Spectrum {
    const cell = this.world.instrumentCell(this.deviceId);
    const film = cell?.samples[0];
    const r = film && !this.faults.has('open-circuit') ? this.resistance(film, cell.temperatureC) : undefined;
    const points = freqs.map((f) => {
      const w = 2 * Math.PI * f;
      const fixture = div({ re: LEAK_OHM, im: 0 }, { re: 1, im: w * LEAK_OHM * STRAY_F });
      let z = fixture;
      if (r !== undefined) {
        const rct = 0.6 * r;
        const tau = 1 / (2 * Math.PI * ARC_HZ);
        // Blocking electrodes: the spur reaches R_ct/1000 at the arc's apex and grows towards low f.
        const cdl = 1000 / (2 * Math.PI * ARC_HZ * rct);
        const arc = div({ re: rct, im: 0 }, { re: 1, im: w * tau });
        const sample = { re: r + arc.re, im: arc.im - 1 / (w * cdl) };
        z = div(mul(sample, fixture), { re: sample.re + fixture.re, im: sample.im + fixture.im });
      }
      const size = Math.hypot(z.re, z.im);
      return {
        re: z.re + size * this.rng.normal(0, POINT_SD),
        im: z.im + size * this.rng.normal(0, POINT_SD),
      };
    });
    return { freqs, z: points, resistanceOhm: r };
  }

  /** Membrane resistance across the cell's geometry, Ω (the film's dry thickness; swelling not modelled). */
  private resistance(film: WorldSample, temperatureC: number): number {
    const sigma =
      this.world.truth.conductivitySPerCm(film, temperatureC) *
      Math.max(0.5, 1 + this.rng.normal(0, SIGMA_SD));
    const thicknessCm = film.thicknessUm * 1e-4;
    const limits = this.device.limits;
    if (limits.electrodeAreaCm2 !== undefined) return thicknessCm / (sigma * limits.electrodeAreaCm2);
    return (limits.probeSpacingCm ?? 0.425) / (sigma * (limits.sampleWidthCm ?? 1) * thicknessCm);
  }

  private reset(): void {
    this.startHz = F_MIN;
    this.stopHz = F_MAX;
    this.points = 201;
    this.log = false;
    this.mode = 'VOLT';
    this.volt = 0.5;
    this.trigger = 'INT';
    this.continuous = true;
    this.title = '';
    this.sweep = undefined;
  }

  /** Queues an error (a query that errs gives no answer). */
  private error(code: number): undefined {
    if (this.errors.length >= QUEUE) this.errors[QUEUE - 1] = -350;
    else this.errors.push(code);
    return undefined;
  }
}

function mul(a: Complex, b: Complex): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

function div(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}
