import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { SerialTwinBase } from './serial-twin.base';

/** Commands closer than this to the previous one are lost (JULABO: >= 250 ms between commands), real ms. */
const MIN_GAP_MS = 240;
const VERSION = 'JULABO HIGHTECH FL HL/SL VERSION 4.0';

const MESSAGES: Record<string, string> = {
  '-01': 'LOW LEVEL ALARM',
  '-03': 'EXCESS TEMPERATURE WARNING',
  '-05': 'WORKING SENSOR ALARM',
  '-07': 'I2C-BUS ERROR',
  '-08': 'INVALID COMMAND',
  '-09': 'COMMAND NOT ALLOWED IN CURRENT OPERATING MODE',
  '-10': 'VALUE TOO SMALL',
  '-11': 'VALUE TOO LARGE',
  '-13': 'VALUE EXCEEDS TEMPERATURE LIMITS',
};

/**
 * JULABO circulator twin (classic RS-232: requests end in CR, replies in CR LF). out_ commands are never answered;
 * errors show only in `status`. The first query after power-on is lost (as dvg-devices observed), and a command
 * arriving within 250 ms of the previous one is ignored.
 */
export class JulaboTwin extends SerialTwinBase {
  private error?: string;
  private running = false;
  private setpointC: number;
  private firstQueryLost = false;
  private lastCommandAt = -Infinity;
  private readonly minC: number;
  private readonly maxC: number;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.setpointC = world.bathSetpoint(device.id);
    this.minC = device.limits.minC ?? -50;
    this.maxC = device.limits.maxC ?? 200;
    world.setBathRunning(device.id, false);
  }

  state(): Readonly<Record<string, unknown>> {
    return {
      running: this.running,
      setpointC: this.setpointC,
      temperatureC: this.world.bathTemperature(this.deviceId),
      error: this.error,
    };
  }

  isSafe(): boolean {
    return !this.running;
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

  protected handle(request: Buffer): Buffer | undefined {
    const now = performance.now();
    const tooSoon = now - this.lastCommandAt < MIN_GAP_MS;
    this.lastCommandAt = now;
    const text = request
      .toString('latin1')
      .replace(/[\r\n]+$/, '')
      .trim();
    const [cmd, arg] = text.split(/\s+/, 2);
    if (cmd.startsWith('out_')) {
      if (!tooSoon) this.out(cmd, arg);
      return undefined;
    }
    if (!this.firstQueryLost) {
      this.firstQueryLost = true;
      return undefined;
    }
    switch (cmd) {
      case 'version':
        return line(VERSION);
      case 'status': {
        const error = this.error;
        this.error = undefined;
        if (error) return line(`${error} ${MESSAGES[error] ?? 'ERROR'}`);
        return line(this.running ? '03 REMOTE START' : '02 REMOTE STOP');
      }
      case 'in_pv_00':
        return line(this.world.bathTemperature(this.deviceId).toFixed(2));
      case 'in_sp_00':
        return line(this.setpointC.toFixed(2));
      case 'in_mode_05':
        return line(this.running ? '1' : '0');
      default:
        this.error = '-08';
        return undefined;
    }
  }

  private out(cmd: string, arg: string | undefined): void {
    const fault = this.faults.take('device-error');
    if (fault) {
      this.error = normalize(fault.code);
      return;
    }
    const value = Number(arg);
    switch (cmd) {
      case 'out_sp_00':
        if (arg === undefined || !Number.isFinite(value)) this.error = '-08';
        else if (value < this.minC || value > this.maxC) this.error = '-13';
        else {
          this.setpointC = value;
          this.world.setBathSetpoint(this.deviceId, value);
        }
        return;
      case 'out_mode_05':
        if (arg !== '0' && arg !== '1') this.error = '-08';
        else {
          this.running = arg === '1';
          this.world.setBathRunning(this.deviceId, this.running);
        }
        return;
      default:
        this.error = '-08';
    }
  }
}

function normalize(code: string | undefined): string {
  if (!code) return '-09';
  const n = /^-?(\d+)/.exec(code);
  return n ? `-${n[1].padStart(2, '0')}` : '-09';
}

function line(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1');
}
