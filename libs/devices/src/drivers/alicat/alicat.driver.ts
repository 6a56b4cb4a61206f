import type { InventoryDevice } from '@graftlab/inventory';
import type { GasController } from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { SerialDriver } from '../serial-driver.base';
import { parseAlicatFrame, type AlicatFrame } from './alicat.codec';

/**
 * Alicat mass-flow controller in polling mode (CR both ways). The unit id (A-Z) comes from the inventory address;
 * "<id>S <float>" sets the setpoint and answers with a data frame, which is how the set is verified.
 */
export class AlicatFlowController extends SerialDriver implements GasController {
  readonly role = 'gas-controller' as const;
  private readonly unit: string;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'alicat');
    this.unit = typeof device.address === 'string' ? device.address : 'A';
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    await this.identify(options);
  }

  async identify(options?: CommandOptions): Promise<string> {
    const text = await this.exchange(`${this.unit}VE`, options);
    this.identity = text.slice(1).trim();
    return this.identity;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const f = await this.poll(options);
    return this.statusOf(f.codes.length ? 'alarm' : 'ok', { ...f });
  }

  async setFlow(sccm: number, options?: CommandOptions): Promise<void> {
    const max = this.device.limits.maxSccm;
    if (!(sccm >= 0) || (max !== undefined && sccm > max)) {
      throw new DeviceError('refused', this.id, `flow ${sccm} sccm is outside 0..${max}`);
    }
    try {
      await this.applySetpoint(sccm, options);
    } catch (e) {
      await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  async readFlow(options?: CommandOptions): Promise<{ flowSccm: number; setpointSccm: number }> {
    const f = await this.poll(options);
    return { flowSccm: f.massFlow, setpointSccm: f.setpoint };
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.safeState(options);
  }

  /** Setpoint to limits.safeSccm (a purge flow; default 0), verified in the answer frame. */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.applySetpoint(this.device.limits.safeSccm ?? 0, options);
  }

  private async applySetpoint(sccm: number, options?: CommandOptions): Promise<void> {
    const f = this.frame(await this.exchange(`${this.unit}S ${sccm.toFixed(2)}`, options));
    if (Math.abs(f.setpoint - sccm) > Math.max(0.01, sccm * 0.001)) {
      const code = f.codes[0] ?? 'setpoint';
      throw new DeviceError(
        'device',
        this.id,
        `setpoint reads ${f.setpoint}, expected ${sccm} (${f.codes.join(' ')})`,
        code,
      );
    }
  }

  private async poll(options?: CommandOptions): Promise<AlicatFrame> {
    const f = this.frame(await this.exchange(this.unit, options));
    this.telemetry('flowSccm', f.massFlow, 'sccm');
    return f;
  }

  private frame(text: string): AlicatFrame {
    return parseAlicatFrame(this.id, this.unit, text);
  }

  private async exchange(cmd: string, options?: CommandOptions): Promise<string> {
    const text = (await this.request(`${cmd}\r`, options)).toString('latin1');
    if (/[^\x20-\x7e]/.test(text)) throw new DeviceError('protocol', this.id, `garbled answer to ${cmd}`);
    if (text.split(/\s+/)[1] === '?')
      throw new DeviceError('device', this.id, `${cmd}: invalid command`, '?');
    if (text[0] !== this.unit)
      throw new DeviceError('protocol', this.id, `answer from unit ${text[0]}, expected ${this.unit}`);
    return text;
  }
}
