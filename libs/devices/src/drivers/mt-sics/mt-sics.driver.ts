import type { InventoryDevice } from '@graftlab/inventory';
import type { Balance, BalanceReading } from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { SerialDriver } from '../serial-driver.base';

const UNIT_TO_G: Record<string, number> = { g: 1, mg: 1e-3, kg: 1e3 };
const ERRORS: Record<string, string> = {
  ES: 'syntax error (command not known)',
  ET: 'transmission error',
  EL: 'logical error',
  I: 'not executable now (busy or no stable weight in time)',
  L: 'logical error or bad parameter',
  '+': 'overload',
  '-': 'underload',
};

/**
 * Mettler Toledo balance over MT-SICS (CR LF both ways). Weight replies are fixed-width fields, split on runs of
 * whitespace: "<id> <status> <value> <unit>". S waits for a stable weight (the balance's own stability timeout
 * answers "S I"); SI answers at once, stable (S) or dynamic (D).
 */
export class MtSicsBalance extends SerialDriver implements Balance {
  readonly role = 'balance' as const;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'crlf');
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    await this.identify(options);
  }

  /** I4: the serial number. */
  async identify(options?: CommandOptions): Promise<string> {
    const [, , sn] = await this.command('I4', 'I4', options);
    const serial = (sn ?? '').replace(/^"|"$/g, '');
    this.identity = serial;
    return serial;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const r = await this.weighImmediate(options);
    return this.statusOf('ok', { grams: r.grams, stable: r.stable, serialNumber: this.identity });
  }

  weighStable(options?: CommandOptions): Promise<BalanceReading> {
    return this.weigh('S', options);
  }

  weighImmediate(options?: CommandOptions): Promise<BalanceReading> {
    return this.weigh('SI', options);
  }

  async zero(options?: CommandOptions): Promise<void> {
    const [, status] = await this.command('Z', 'Z', options);
    if (status !== 'A') throw this.protocol(`Z answered ${status}`);
  }

  /** T: tares and returns the tare weight, g. */
  async tare(options?: CommandOptions): Promise<number> {
    const fields = await this.command('T', 'T', options);
    return this.grams(fields).grams;
  }

  /** @ cancels whatever the balance is doing. */
  async stop(options?: CommandOptions): Promise<void> {
    await this.command('@', 'I4', options);
  }

  /** A balance has no hazardous state: safe means it answers. */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.weighImmediate(options);
  }

  private async weigh(cmd: 'S' | 'SI', options?: CommandOptions): Promise<BalanceReading> {
    const fields = await this.command(cmd, 'S', options);
    const { grams, stable } = this.grams(fields);
    const at = this.ctx.clock.now();
    this.telemetry('massG', grams, 'g');
    return { grams, stable, at, raw: fields.join(' ') };
  }

  private grams(fields: string[]): { grams: number; stable: boolean } {
    const [, status, value, unit] = fields;
    const scale = UNIT_TO_G[unit ?? ''];
    const grams = Number(value);
    if (
      (status !== 'S' && status !== 'D') ||
      scale === undefined ||
      value === undefined ||
      !Number.isFinite(grams)
    ) {
      throw this.protocol(`not a weight: ${fields.join(' ')}`);
    }
    return { grams: grams * scale, stable: status === 'S' };
  }

  /**
   * Sends cmd and returns the reply's fields. Error replies (ES/ET/EL) and the I, L, +, - statuses become
   * DeviceError 'device' with that code.
   */
  private async command(cmd: string, id: string, options?: CommandOptions): Promise<string[]> {
    const frame = await this.request(`${cmd}\r\n`, options);
    const fields = frame.toString('latin1').trim().split(/\s+/);
    const [replyId, status] = fields;
    if (fields.length === 1 && /^E[STL]$/.test(replyId)) {
      throw new DeviceError('device', this.id, `${cmd}: ${ERRORS[replyId]}`, replyId);
    }
    if (replyId !== id) throw this.protocol(`${cmd} answered ${JSON.stringify(frame.toString('latin1'))}`);
    if (status === 'I' || status === 'L' || status === '+' || status === '-') {
      throw new DeviceError('device', this.id, `${cmd}: ${ERRORS[status]}`, status);
    }
    return fields;
  }

  private protocol(message: string): DeviceError {
    return new DeviceError('protocol', this.id, message);
  }
}
