import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { crc16 } from './crc16';
import { SerialTwinBase, type TwinCounters, type TwinLink } from './serial-twin.base';

const STX = 0x02;
const ETX = 0x03;
const CR = 0x0d;
/** Highest rate the twin accepts, mL/min (an NE-1000 with a 60 mL syringe tops out near this). */
const MAX_RATE_ML_MIN = 100;
const RATE_FACTOR: Record<string, number> = { MM: 1, UM: 1e-3, MH: 1 / 60, UH: 1e-3 / 60 };

type Prompt = 'S' | 'I' | 'W' | 'P';
type Alarm = 'R' | 'S' | 'T' | 'E' | 'O';

interface Run {
  readonly startAt: number;
  readonly rateMlMin: number;
  readonly targetMl: number;
  readonly dir: 'INF' | 'WDR';
  /** Lab time a stall fault stops the motor, when one was injected. */
  readonly stallAt?: number;
}

/**
 * New Era NE-1000 twin: basic mode (CR-terminated requests, STX..ETX replies without CR) and safe mode
 * (length + CRC-16/XMODEM packets, watchdog alarm T, unsolicited alarm packets, ?COM on a bad packet).
 * Alarms latch and are acknowledged by being returned instead of the result of the next valid command.
 */
export class Ne1000Twin extends SerialTwinBase {
  private safe: boolean;
  private watchdogS: number;
  private alarm: Alarm | undefined = 'R'; // power was just applied
  private announcedReset = false;
  private prompt: Prompt = 'S';
  private diaMm = 0;
  private rateMlMin = 0;
  private rateUnits = 'MM';
  private volumeMl = 0;
  private volUnits: 'ML' | 'UL' = 'ML';
  private dir: 'INF' | 'WDR' = 'INF';
  private infusedMl = 0;
  private withdrawnMl = 0;
  private totalDeliveredMl = 0;
  private run?: Run;
  private lastPacketAt: number;
  private readonly address: number;
  private readonly ticker: NodeJS.Timeout;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.address = typeof device.address === 'number' ? device.address : Number(device.address ?? 0);
    this.safe = device.mode === 'safe';
    this.watchdogS = 0;
    this.lastPacketAt = world.clock.now();
    // Completion and the watchdog happen on the pump's own clock, whether or not anyone polls.
    this.ticker = setInterval(() => this.tick(), 5);
    this.ticker.unref();
  }

  override counters(): TwinCounters {
    this.advance();
    return { dispensedMl: this.totalDeliveredMl, exposures: 0, cumulativeOpenMs: 0 };
  }

  state(): Readonly<Record<string, unknown>> {
    this.advance();
    return {
      mode: this.safe ? 'safe' : 'basic',
      prompt: this.prompt,
      alarm: this.alarm,
      running: this.run !== undefined,
      diaMm: this.diaMm,
      rateMlMin: this.rateMlMin,
      volumeMl: this.volumeMl,
      infusedMl: this.infusedMl,
      withdrawnMl: this.withdrawnMl,
      watchdogS: this.watchdogS,
    };
  }

  isSafe(): boolean {
    this.advance();
    return this.run === undefined;
  }

  protected override dispose(): void {
    clearInterval(this.ticker);
  }

  protected override onLink(link: TwinLink): void {
    // Safe mode: the pump reports its power-on alarm unsolicited, before the host says anything.
    if (this.safe && this.alarm === 'R' && !this.announcedReset) {
      this.announcedReset = true;
      const packet = this.packet(`${this.addr()}A?R`);
      this.trace.record('device', packet);
      link.write(packet);
    }
  }

  protected override garbleRange(reply: Buffer): [number, number] {
    // Safe mode: corrupt the data so the CRC no longer matches; basic: the address and status.
    return reply[1] === reply.length - 1 ? [2, reply.length - 3] : [1, reply.length - 1];
  }

  protected split(buf: Buffer): { requests: Buffer[]; rest: Buffer } {
    const requests: Buffer[] = [];
    let rest = buf;
    for (;;) {
      if (rest.length === 0) break;
      if (rest[0] === STX) {
        if (rest.length < 2) break;
        const total = 1 + rest[1];
        if (rest[1] < 4) {
          rest = rest.subarray(1);
          continue;
        }
        if (rest.length < total) break;
        requests.push(Buffer.from(rest.subarray(0, total)));
        rest = rest.subarray(total);
        continue;
      }
      const cr = rest.indexOf(CR);
      const stx = rest.indexOf(STX);
      if (stx > 0 && (cr < 0 || stx < cr)) {
        rest = rest.subarray(stx); // noise before a safe packet
        continue;
      }
      if (cr < 0) break;
      requests.push(Buffer.from(rest.subarray(0, cr + 1)));
      rest = rest.subarray(cr + 1);
    }
    return { requests, rest };
  }

  protected handle(request: Buffer): Buffer | undefined {
    this.advance();
    if (request[0] === STX) {
      const data = this.unpack(request);
      // A packet that fails its length or CRC check is answered with ?COM (safe mode).
      if (data === undefined) return this.packet(`${this.addr()}${this.prompt}?COM`);
      const reply = this.execute(data);
      return reply === undefined ? undefined : this.packet(reply);
    }
    if (this.safe) return undefined; // a safe-mode pump ignores unframed text
    const reply = this.execute(request.toString('latin1'));
    return reply === undefined
      ? undefined
      : Buffer.concat([Buffer.from([STX]), Buffer.from(reply, 'latin1'), Buffer.from([ETX])]);
  }

  /** Runs one command text; returns the response data (address + status + data) or undefined (not addressed to us). */
  private execute(raw: string): string | undefined {
    // The pump strips spaces and control characters and upper-cases everything.
    const text = [...raw]
      .filter((c) => c.charCodeAt(0) > 0x20)
      .join('')
      .toUpperCase();
    const m = /^(\d{1,2})?(.*)$/.exec(text)!;
    if (m[1] !== undefined && Number(m[1]) !== this.address) return undefined;
    this.lastPacketAt = this.world.clock.now();
    const a = this.addr();
    if (this.alarm) {
      const alarm = this.alarm;
      this.alarm = undefined; // acknowledged by being reported; the command is not executed
      return `${a}A?${alarm}`;
    }
    const fault = this.faults.take('device-error');
    if (fault) return `${a}${this.prompt}${normalizeError(fault.code)}`;
    const body = m[2];
    const cmd = /^([A-Z]{3})(.*)$/.exec(body);
    if (!cmd) return body === '' ? `${a}${this.prompt}` : `${a}${this.prompt}?`;
    const [, name, arg] = cmd;
    const r = this.command(name, arg);
    return `${a}${this.prompt}${r}`;
  }

  private command(name: string, arg: string): string {
    const running = this.run !== undefined;
    switch (name) {
      case 'DIA': {
        if (arg === '') return fmt(this.diaMm);
        if (running) return '?NA';
        const v = Number(arg);
        if (!(v >= 0.1 && v <= 50)) return '?OOR';
        this.diaMm = v;
        return '';
      }
      case 'RAT': {
        if (arg === '') return `${fmt(this.rateMlMin / RATE_FACTOR[this.rateUnits])}${this.rateUnits}`;
        const r = /^([\d.]+)(UM|MM|UH|MH)?$/.exec(arg);
        if (!r) return '?';
        const units = r[2] ?? this.rateUnits;
        const mlMin = Number(r[1]) * RATE_FACTOR[units];
        if (!(mlMin > 0 && mlMin <= MAX_RATE_ML_MIN)) return '?OOR';
        if (running) return '?NA';
        this.rateMlMin = mlMin;
        this.rateUnits = units;
        return '';
      }
      case 'VOL': {
        if (arg === '')
          return `${fmt(this.volUnits === 'ML' ? this.volumeMl : this.volumeMl * 1000)}${this.volUnits}`;
        if (arg === 'ML' || arg === 'UL') {
          this.volUnits = arg;
          return '';
        }
        const v = Number(arg);
        if (!(v >= 0 && v <= 9999)) return '?OOR';
        if (running) return '?NA';
        this.volumeMl = this.volUnits === 'ML' ? v : v / 1000;
        return '';
      }
      case 'DIR': {
        if (arg === '') return this.dir;
        if (arg === 'INF' || arg === 'WDR') this.dir = arg;
        else if (arg === 'REV') this.dir = this.dir === 'INF' ? 'WDR' : 'INF';
        else return '?';
        return '';
      }
      case 'RUN': {
        if (running) return '?NA';
        if (!(this.diaMm > 0 && this.rateMlMin > 0 && this.volumeMl > 0)) return '?NA';
        const startAt = this.world.clock.now();
        const durationMs = (this.volumeMl / this.rateMlMin) * 60_000;
        const stall = this.faults.take('stall');
        this.run = {
          startAt,
          rateMlMin: this.rateMlMin,
          targetMl: this.volumeMl,
          dir: this.dir,
          stallAt: stall ? startAt + durationMs / 2 : undefined,
        };
        this.prompt = this.dir === 'INF' ? 'I' : 'W';
        return '';
      }
      case 'STP': {
        if (running) {
          this.finishRun(this.world.clock.now());
          this.prompt = 'P';
        } else this.prompt = 'S';
        return '';
      }
      case 'DIS':
        return `I${fmt(this.infusedMl)}W${fmt(this.withdrawnMl)}ML`;
      case 'CLD': {
        if (arg === 'INF') this.infusedMl = 0;
        else if (arg === 'WDR') this.withdrawnMl = 0;
        else return '?';
        return '';
      }
      case 'VER':
        return 'NE1000V3.928';
      case 'SAF': {
        if (arg === '') return String(this.watchdogS);
        const n = Number(arg);
        if (!Number.isInteger(n) || n < 0 || n > 255) return '?OOR';
        this.watchdogS = n;
        this.safe = n > 0;
        return '';
      }
      default:
        return '?';
    }
  }

  /** Brings the run up to now: completion (the volume is delivered) or a stall. */
  private advance(): void {
    const run = this.run;
    if (!run) return;
    const now = this.world.clock.now();
    const endAt = run.startAt + (run.targetMl / run.rateMlMin) * 60_000;
    if (run.stallAt !== undefined && now >= run.stallAt && run.stallAt < endAt) {
      this.finishRun(run.stallAt);
      this.prompt = 'S';
      this.raise('S');
    } else if (now >= endAt) {
      this.finishRun(endAt);
      this.prompt = 'S';
    }
  }

  private finishRun(at: number): void {
    const run = this.run!;
    this.run = undefined;
    const ml = Math.min(run.targetMl, ((at - run.startAt) / 60_000) * run.rateMlMin);
    if (run.dir === 'INF') {
      this.infusedMl += ml;
      this.totalDeliveredMl += ml;
      this.world.recordDispense(this.deviceId, ml);
    } else this.withdrawnMl += ml;
  }

  private tick(): void {
    this.advance();
    if (this.safe && this.watchdogS > 0 && !this.alarm) {
      const now = this.world.clock.now();
      if (now - this.lastPacketAt > this.watchdogS * 1000) {
        if (this.run) this.finishRun(now);
        this.prompt = 'S';
        this.raise('T');
      }
    }
  }

  /** Latches an alarm; in safe mode the pump also sends it unsolicited (which does not acknowledge it). */
  private raise(alarm: Alarm): void {
    this.alarm = alarm;
    if (this.safe) this.broadcast(this.packet(`${this.addr()}A?${alarm}`));
  }

  private addr(): string {
    return String(this.address).padStart(2, '0');
  }

  private packet(data: string): Buffer {
    const body = Buffer.from(data, 'latin1');
    const crc = crc16(body);
    return Buffer.concat([
      Buffer.from([STX, body.length + 4]),
      body,
      Buffer.from([crc >> 8, crc & 0xff, ETX]),
    ]);
  }

  private unpack(packet: Buffer): string | undefined {
    if (packet[packet.length - 1] !== ETX || packet[1] !== packet.length - 1) return undefined;
    const body = packet.subarray(2, packet.length - 3);
    const crc = (packet[packet.length - 3] << 8) | packet[packet.length - 2];
    return crc16(body) === crc ? body.toString('latin1') : undefined;
  }
}

/** Numbers as the pump prints them: at most 4 digits and a point, at most 3 decimals. */
function fmt(v: number): string {
  if (v < 10) return v.toFixed(3);
  if (v < 100) return v.toFixed(2);
  if (v < 1000) return v.toFixed(1);
  return v.toFixed(0);
}

function normalizeError(code: string | undefined): string {
  if (!code) return '?OOR';
  return code.startsWith('?') ? code : `?${code}`;
}
