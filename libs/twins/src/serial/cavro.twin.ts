import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { SerialTwinBase, type TwinCounters } from './serial-twin.base';

const FULL_STROKE = 3000;
const INIT_MS = 1500;
const VALVE_MS = 150;
const FIRMWARE = 'XCALIBUR DT V1.2 (graftlab twin)';

type Valve = 'I' | 'O' | 'B';
type Step =
  | { kind: 'init'; start: number; end: number }
  | { kind: 'valve'; to: Valve; start: number; end: number }
  | { kind: 'move'; from: number; to: number; start: number; end: number; overload: boolean }
  | { kind: 'delay'; start: number; end: number };

/**
 * Tecan Cavro XCalibur twin, DT protocol: "/<addr><commands>[R]\r" in, "\xFF/0<status>[data]\x03\r\n" out.
 * Status bit 5 = ready, low nibble = error. Invalid commands fail at once (error 2, not busy); parameter
 * errors and "move not allowed" are deferred to the next Q; moves while busy give error 15; an overload
 * (stall fault) needs re-initialization. The protocol locks to whatever the first frame was (DT only here).
 */
export class CavroTwin extends SerialTwinBase {
  private readonly addressChar: string;
  private locked?: 'dt' | 'oem';
  private initialized = false;
  private plunger = 0;
  private valve: Valve = 'I';
  private speed = 1400; // increments per second (top speed V)
  private error = 0;
  private timeline: Step[] = [];
  private deliveredMl = 0;
  private readonly mlPerIncrement: number;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.addressChar = cavroAddressChar(device.address);
    this.mlPerIncrement = (device.syringeVolumeMl ?? 1) / FULL_STROKE;
  }

  override counters(): TwinCounters {
    this.advance();
    return { dispensedMl: this.deliveredMl, exposures: 0, cumulativeOpenMs: 0 };
  }

  state(): Readonly<Record<string, unknown>> {
    this.advance();
    return {
      initialized: this.initialized,
      plunger: this.plunger,
      valve: this.valve,
      busy: this.timeline.length > 0,
      error: this.error,
      protocol: this.locked,
    };
  }

  isSafe(): boolean {
    this.advance();
    return this.timeline.length === 0;
  }

  protected override garbleRange(reply: Buffer): [number, number] {
    return [3, reply.length - 3]; // the status byte and data, not the sync byte, slash or terminator
  }

  protected split(buf: Buffer): { requests: Buffer[]; rest: Buffer } {
    const requests: Buffer[] = [];
    let rest = buf;
    for (let cr = rest.indexOf(0x0d); cr >= 0; cr = rest.indexOf(0x0d)) {
      requests.push(Buffer.from(rest.subarray(0, cr + 1)));
      rest = rest.subarray(cr + 1);
    }
    // OEM frames carry no CR; a locked DT pump ignores them, so drop anything that starts with STX.
    if (rest[0] === 0x02 && rest.includes(0x03)) {
      this.locked ??= 'oem';
      rest = Buffer.alloc(0);
    }
    return { requests, rest };
  }

  protected handle(request: Buffer): Buffer | undefined {
    const text = request.toString('latin1').replace(/^[\xff\s]+/, '');
    if (!text.startsWith('/')) return undefined;
    this.locked ??= 'dt';
    if (this.locked !== 'dt') return undefined;
    const addr = text[1];
    if (addr !== this.addressChar && addr !== '_') return undefined;
    const body = text.slice(2).replace(/\r$/, '');
    this.advance();
    const fault = this.faults.take('device-error');
    if (fault) {
      // Reported in this answer's status byte; overloads also drop the initialization, as on the pump.
      const code = Number(fault.code ?? 9) & 0x0f;
      if (code === 9 || code === 10) this.initialized = false;
      return addr === '_' ? undefined : this.reply('', code);
    }
    const reply = this.execute(body);
    return addr === '_' ? undefined : reply; // multi-address commands return no status
  }

  private execute(body: string): Buffer {
    if (body === 'Q') {
      const r = this.reply('');
      this.error = 0; // Q clears the reported error
      return r;
    }
    const report = /^\?(\d*)$/.exec(body);
    if (report) return this.reply(this.report(Number(report[1] || 0)));
    const execute = body.endsWith('R');
    const commands = parseCommands(execute ? body.slice(0, -1) : body);
    if (!commands) return this.reply('', 2); // invalid command: reported at once, pump not busy
    if (!execute) return this.reply('');
    const busy = this.timeline.length > 0;
    if (commands.some((c) => c.letter === 'T')) {
      this.terminate();
      return this.reply('');
    }
    if (busy) return this.reply('', 15);
    const moves = commands.some((c) => 'APD'.includes(c.letter));
    const inits = commands.some((c) => 'ZYW'.includes(c.letter));
    if (moves && !this.initialized && !inits) return this.reply('', 7);
    const ack = this.reply('');
    this.schedule(commands);
    return ack;
  }

  /** Validates the whole string like the firmware (deferred errors), then lays its steps on the lab timeline. */
  private schedule(commands: Command[]): void {
    let pos = this.plunger;
    let valve = this.valve;
    let speed = this.speed;
    let t = this.world.clock.now();
    const steps: Step[] = [];
    for (const c of commands) {
      switch (c.letter) {
        case 'Z':
        case 'Y':
        case 'W':
          steps.push({ kind: 'init', start: t, end: t + INIT_MS });
          t += INIT_MS;
          pos = 0;
          break;
        case 'I':
        case 'O':
        case 'B':
          steps.push({ kind: 'valve', to: c.letter, start: t, end: t + VALVE_MS });
          t += VALVE_MS;
          valve = c.letter;
          break;
        case 'V':
          if (!(c.arg >= 1 && c.arg <= 6000)) return void (this.error = 3);
          speed = c.arg;
          break;
        case 'M':
          steps.push({ kind: 'delay', start: t, end: t + c.arg });
          t += c.arg;
          break;
        case 'A':
        case 'P':
        case 'D': {
          const to = c.letter === 'A' ? c.arg : c.letter === 'P' ? pos + c.arg : pos - c.arg;
          if (!(to >= 0 && to <= FULL_STROKE)) return void (this.error = 3); // deferred: seen by the next Q
          if (valve === 'B') return void (this.error = 11);
          const dt = (Math.abs(to - pos) / speed) * 1000;
          steps.push({ kind: 'move', from: pos, to, start: t, end: t + dt, overload: false });
          t += dt;
          pos = to;
          break;
        }
        default:
          break; // S, L, K, g, G accepted and not modelled
      }
    }
    this.speed = speed;
    if (this.faults.take('stall')) {
      const i = steps.findIndex((s) => s.kind === 'move');
      if (i >= 0) {
        const s = steps[i] as Extract<Step, { kind: 'move' }>;
        const mid = Math.round((s.from + s.to) / 2);
        steps.splice(i, steps.length - i, { ...s, to: mid, end: (s.start + s.end) / 2, overload: true });
      }
    }
    this.timeline = steps;
  }

  /** Applies every step finished by now; interpolates the plunger of the step in progress. */
  private advance(): void {
    const now = this.world.clock.now();
    while (this.timeline.length && this.timeline[0].end <= now) {
      const s = this.timeline.shift()!;
      this.apply(s, s.kind === 'move' ? s.to : 0);
      if (s.kind === 'move' && s.overload) {
        this.error = 9;
        this.initialized = false;
        this.timeline = [];
      }
    }
  }

  private apply(s: Step, to: number): void {
    switch (s.kind) {
      case 'init':
        this.initialized = true;
        this.plunger = 0;
        this.valve = 'I';
        break;
      case 'valve':
        this.valve = s.to;
        break;
      case 'move': {
        const delta = this.plunger - to;
        if (delta > 0 && this.valve === 'O') {
          const ml = delta * this.mlPerIncrement;
          this.deliveredMl += ml;
          this.world.recordDispense(this.deviceId, ml);
        }
        this.plunger = to;
        break;
      }
      case 'delay':
        break;
    }
  }

  private terminate(): void {
    this.advance();
    const current = this.timeline[0];
    if (current?.kind === 'move') {
      const now = this.world.clock.now();
      const f = Math.max(0, Math.min(1, (now - current.start) / (current.end - current.start || 1)));
      this.apply(current, Math.round(current.from + (current.to - current.from) * f));
    }
    this.timeline = [];
  }

  private currentPlunger(): number {
    const s = this.timeline[0];
    if (s?.kind !== 'move') return this.plunger;
    const now = this.world.clock.now();
    if (now <= s.start) return this.plunger;
    const f = Math.min(1, (now - s.start) / (s.end - s.start || 1));
    return Math.round(s.from + (s.to - s.from) * f);
  }

  private report(n: number): string {
    switch (n) {
      case 0:
        return String(this.currentPlunger());
      case 6:
        return this.valve === 'I' ? '1' : this.valve === 'O' ? '2' : '3';
      case 23:
        return FIRMWARE;
      case 29:
        return String(this.error);
      default:
        return '0';
    }
  }

  private reply(data: string, immediateError?: number): Buffer {
    this.advance();
    const ready = this.timeline.length === 0;
    const err = immediateError ?? this.error;
    const status = 0x40 | (ready && immediateError !== 15 ? 0x20 : 0) | (err & 0x0f);
    return Buffer.concat([
      Buffer.from([0xff]),
      Buffer.from(`/0${String.fromCharCode(status)}${data}\x03\r\n`, 'latin1'),
    ]);
  }
}

interface Command {
  readonly letter: string;
  readonly arg: number;
}

/** Splits "IA3000OA0" into letters with numeric operands; undefined when a command is not in the DT set. */
function parseCommands(text: string): Command[] | undefined {
  const out: Command[] = [];
  const re = /([A-Za-z])(\d+(?:,\d+)*)?/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m || !'ZYWIOBAPDVSLKMTgG'.includes(m[1])) return undefined;
    out.push({ letter: m[1], arg: Number((m[2] ?? '0').split(',')[0]) });
    i = re.lastIndex;
  }
  return out;
}

/** The DT address character: a number is the address switch (0 -> '1'), a string is the character itself. */
export function cavroAddressChar(address: string | number | undefined): string {
  if (typeof address === 'string') return address;
  return String.fromCharCode(0x31 + (address ?? 0));
}
