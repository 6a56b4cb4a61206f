import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { SerialTwinBase, type TwinCounters } from './serial-twin.base';

/** Blade transit added to a timer-closed exposure, lab ms (the controller measures open-to-closed at the blade). */
const BLADE_MS = 1.2;
const ID = 'THORLABS SC10 VERSION 1.0.6 (graftlab twin)';

/**
 * Thorlabs SC10-style shutter controller twin. Every command is echoed, then its value, then the prompt "> ".
 * `ens` toggles. In mode 3 (single) `ens` opens the shutter and the controller closes it after open= ms on its
 * own clock (the twin's lab clock), then reports the exposure to the world.
 *
 * graftlab extensions of the SC10 command set (not in the Thorlabs manual; our controller firmware adds them):
 * - `lastopen?`: the actual open time of the last exposure measured by the controller, ms with one decimal;
 * - `count?`: exposures since power-up and their cumulative open time, "<n> <ms>" (e.g. "3 1523.4").
 */
export class Sc10Twin extends SerialTwinBase {
  private mode = 1;
  private enabled = false;
  private open = false;
  private openedAt = 0;
  private openMs = 100;
  private shutMs = 100;
  private repeat = 1;
  private interlock = false;
  private lastOpenMs = 0;
  private exposures = 0;
  private cumulativeOpenMs = 0;
  private timer?: AbortController;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
  }

  /** Trips or resets the interlock input (a door, an area monitor). A trip closes the shutter at once. */
  setInterlock(tripped: boolean): void {
    this.interlock = tripped;
    if (tripped) {
      this.enabled = false;
      this.closeBlade(this.world.clock.now());
    }
  }

  override counters(): TwinCounters {
    this.advance();
    return { dispensedMl: 0, exposures: this.exposures, cumulativeOpenMs: this.cumulativeOpenMs };
  }

  state(): Readonly<Record<string, unknown>> {
    this.advance();
    return {
      mode: this.mode,
      enabled: this.enabled,
      closed: !this.open,
      openMs: this.openMs,
      interlock: this.interlock,
      lastOpenMs: this.lastOpenMs,
      exposures: this.exposures,
    };
  }

  isSafe(): boolean {
    this.advance();
    return !this.open;
  }

  protected override dispose(): void {
    this.timer?.abort();
  }

  /** Corrupts echo and value but keeps the line structure and the prompt, so the reply still frames. */
  protected override garble(reply: Buffer): Buffer {
    const out = Buffer.from(reply);
    for (let i = 0; i < out.length - 2; i++) if (out[i] !== 0x0d) out[i] ^= 0x80;
    return out;
  }

  protected split(buf: Buffer): { requests: Buffer[]; rest: Buffer } {
    const requests: Buffer[] = [];
    let rest = buf;
    for (let cr = rest.indexOf(0x0d); cr >= 0; cr = rest.indexOf(0x0d)) {
      requests.push(Buffer.from(rest.subarray(0, cr + 1)));
      rest = rest.subarray(cr + 1);
    }
    return { requests, rest };
  }

  protected handle(request: Buffer): Buffer {
    const echo = request.toString('latin1').replace(/[\r\n]+$/, '');
    this.advance();
    const fault = this.faults.take('device-error');
    const value = fault ? (fault.code ?? 'CMD_ARG_INVALID') : this.execute(echo.trim());
    return Buffer.from(value === undefined ? `${echo}\r> ` : `${echo}\r${value}\r> `, 'latin1');
  }

  private execute(cmd: string): string | undefined {
    const set = /^([a-z]+)=(.*)$/.exec(cmd);
    if (set) return this.assign(set[1], set[2]);
    switch (cmd) {
      case 'id?':
        return ID;
      case 'ens':
        this.toggle();
        return undefined;
      case 'ens?':
        return this.enabled ? '1' : '0';
      case 'mode?':
        return String(this.mode);
      case 'open?':
        return String(this.openMs);
      case 'shut?':
        return String(this.shutMs);
      case 'rep?':
        return String(this.repeat);
      case 'closed?':
        return this.open ? '0' : '1';
      case 'interlock?':
        return this.interlock ? '1' : '0';
      case 'lastopen?':
        return this.lastOpenMs.toFixed(1);
      case 'count?':
        return `${this.exposures} ${this.cumulativeOpenMs.toFixed(1)}`;
      case 'save':
      case 'savp':
      case 'resp':
      case 'default':
        return undefined;
      default:
        return 'CMD_NOT_DEFINED';
    }
  }

  private assign(name: string, raw: string): string | undefined {
    const n = Number(raw);
    const int = /^\d{1,6}$/.test(raw);
    switch (name) {
      case 'mode':
        if (!int || n < 1 || n > 5) return 'CMD_ARG_INVALID';
        this.mode = n;
        return undefined;
      case 'open':
        if (!int || n < 1) return 'CMD_ARG_INVALID';
        this.openMs = n;
        return undefined;
      case 'shut':
        if (!int || n < 1) return 'CMD_ARG_INVALID';
        this.shutMs = n;
        return undefined;
      case 'rep':
        if (!int || n < 1 || n > 99) return 'CMD_ARG_INVALID';
        this.repeat = n;
        return undefined;
      case 'trig':
      case 'xto':
      case 'baud':
        return raw === '0' || raw === '1' ? undefined : 'CMD_ARG_INVALID';
      default:
        return 'CMD_NOT_DEFINED';
    }
  }

  private toggle(): void {
    const now = this.world.clock.now();
    if (this.enabled) {
      this.enabled = false;
      this.closeBlade(now);
      return;
    }
    if (this.interlock) return; // the interlock keeps the shutter shut; enable stays 0
    this.enabled = true;
    this.open = true;
    this.openedAt = now;
    if (this.mode === 3) this.armTimer();
  }

  /** Single mode: the controller's timer closes the shutter after openMs, unless the blade is stuck. */
  private armTimer(): void {
    this.timer?.abort();
    const timer = new AbortController();
    this.timer = timer;
    const openedAt = this.openedAt;
    this.world.clock.sleep(this.openMs, timer.signal).then(
      () => this.timerClose(openedAt),
      () => undefined,
    );
  }

  private advance(): void {
    if (
      this.open &&
      this.enabled &&
      this.mode === 3 &&
      this.world.clock.now() >= this.openedAt + this.openMs
    ) {
      this.timerClose(this.openedAt);
    }
  }

  private timerClose(openedAt: number): void {
    if (!this.open || openedAt !== this.openedAt || !this.enabled) return;
    if (this.faults.has('stuck-shutter')) return; // the blade does not move; closed? stays 0
    this.enabled = false;
    this.closeBlade(openedAt + this.openMs + BLADE_MS);
  }

  private closeBlade(at: number): void {
    if (!this.open) return;
    this.timer?.abort();
    this.open = false;
    const openMs = Math.round(Math.max(0, at - this.openedAt) * 10) / 10; // the controller resolves 0.1 ms
    this.lastOpenMs = openMs;
    this.exposures++;
    this.cumulativeOpenMs += openMs;
    this.world.recordExposure(this.deviceId, openMs);
  }
}
