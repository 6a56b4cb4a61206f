import type { InventoryDevice } from '@graftlab/inventory';
import type { Rng } from '@graftlab/grafting-model';
import type { LabWorld } from '../world/lab-world';
import { SerialTwinBase } from './serial-twin.base';

/** Time for a new load to settle, and the stability timeout after which S gives up with "S I" (lab ms). */
const SETTLE_MS = 2000;
const SETTLE_TAU_MS = 400;
const STABILITY_TIMEOUT_MS = 10_000;
/** Changes smaller than this (0.1 mg) count as drift, not as a new load. */
const DRIFT_G = 1e-4;
const SERIAL_NUMBER = 'B207696838';
const WIDTH = 10;

/**
 * Mettler Toledo MT-SICS balance twin. Commands and replies end in CR LF; weights are fixed-width fields.
 * S blocks until the reading is stable (or answers "S I" after the stability timeout), SI answers at once with
 * S or D; noise (the calibrated repeatability) comes from the world's seeded rng.
 */
export class MtSicsTwin extends SerialTwinBase {
  private zeroG = 0;
  private tareG = 0;
  private lastTrueG: number;
  private changedAt: number;
  private fromG: number;
  private readonly rng: Rng;
  private readonly decimals: number;
  private readonly sdG: number;
  private readonly capacityG: number;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.rng = world.rng.fork(`mt-sics:${device.id}`);
    const readabilityMg = device.calibration?.readabilityMg ?? 0.1;
    this.decimals = Math.max(0, Math.round(-Math.log10(readabilityMg / 1000)));
    this.sdG = (device.calibration?.repeatabilityMg ?? 0.1) / 1000;
    this.capacityG = device.limits.capacityG ?? 220;
    this.lastTrueG = world.massOnBalance(device.id);
    this.fromG = this.lastTrueG;
    this.changedAt = world.clock.now() - SETTLE_MS;
  }

  state(): Readonly<Record<string, unknown>> {
    return {
      zeroG: this.zeroG,
      tareG: this.tareG,
      stable: this.stableNow(),
      trueG: this.world.massOnBalance(this.deviceId),
    };
  }

  /** A balance has nothing to make safe. */
  isSafe(): boolean {
    return true;
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
    const text = request.toString('latin1').replace(/[\r\n]+$/, '');
    const fault = this.faults.take('device-error');
    if (fault) return line(fault.code ?? 'EL');
    const [cmd, ...args] = text.trim().split(/\s+/);
    switch (cmd) {
      case 'S':
        // No stable reading within the stability timeout: "S I" (understood, not executable).
        return (await this.waitStable()) ? this.weigh('S', true) : line('S I');
      case 'SI':
        return this.weigh('S', this.stableNow());
      case 'Z': {
        if (!(await this.waitStable())) return line('Z I');
        this.zeroG = this.gross();
        this.tareG = 0;
        return line('Z A');
      }
      case 'T': {
        if (!(await this.waitStable())) return line('T I');
        this.tareG = this.gross() - this.zeroG;
        return line(`T S ${this.field(this.tareG)} g`);
      }
      case 'TAC':
        this.tareG = 0;
        return line('TAC A');
      case 'I4':
      case '@':
        return line(`I4 A "${SERIAL_NUMBER}"`);
      case 'I2':
        return line(`I2 A "WXS205SDU WXA-Bridge ${this.capacityG.toFixed(5)} g"`);
      default:
        return line(args.length > 8 ? 'ET' : 'ES');
    }
  }

  private weigh(id: string, stable: boolean): Buffer {
    const gross = this.gross();
    if (gross > this.capacityG) return line(`${id} +`);
    if (gross < -this.capacityG * 0.01) return line(`${id} -`);
    return line(`${id} ${stable ? 'S' : 'D'} ${this.field(gross - this.zeroG - this.tareG)} g`);
  }

  private field(grams: number): string {
    return grams.toFixed(this.decimals).padStart(WIDTH, ' ');
  }

  /** Sensor reading: the true mass approached exponentially after a load change, plus noise. */
  private gross(): number {
    this.track();
    const t = this.world.clock.now() - this.changedAt;
    const settling = this.stableNow() ? 0 : (this.fromG - this.lastTrueG) * Math.exp(-t / SETTLE_TAU_MS);
    const wobble = this.faults.has('never-settle') ? this.sdG * 50 * Math.sin(t / 37) : 0;
    return this.lastTrueG + settling + wobble + this.rng.normal(0, this.sdG);
  }

  private track(): void {
    const trueG = this.world.massOnBalance(this.deviceId);
    // A slow drift (a damp film losing solvent) below the stability criterion is not a new load.
    if (Math.abs(trueG - this.lastTrueG) < DRIFT_G) {
      this.lastTrueG = trueG;
      return;
    }
    if (trueG !== this.lastTrueG) {
      this.fromG = this.lastTrueG;
      this.lastTrueG = trueG;
      this.changedAt = this.world.clock.now();
    }
  }

  private stableNow(): boolean {
    this.track();
    if (this.faults.has('never-settle')) return false;
    return this.world.clock.now() - this.changedAt >= SETTLE_MS;
  }

  /** S semantics: wait (lab time) until stable, or give up after the stability timeout. */
  private async waitStable(): Promise<boolean> {
    const start = this.world.clock.now();
    const timeoutMs = this.stabilityTimeoutMs();
    for (;;) {
      if (this.stableNow()) return true;
      const elapsed = this.world.clock.now() - start;
      if (elapsed >= timeoutMs) return false;
      const untilStable = this.changedAt + SETTLE_MS - this.world.clock.now();
      const step = this.faults.has('never-settle') ? timeoutMs - elapsed : untilStable;
      await this.world.clock.sleep(Math.max(1, Math.min(step, timeoutMs - elapsed)));
    }
  }
  /**
   * The balance gives up after 10 s of lab time, but never in less than 250 ms of real time: at a fast virtual
   * clock 10 lab-seconds are a few real milliseconds, and host scheduling jitter alone would then read as
   * "cannot stabilise".
   */
  private stabilityTimeoutMs(): number {
    return Math.max(STABILITY_TIMEOUT_MS, 250 * this.world.clock.speed);
  }
}

function line(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1');
}
