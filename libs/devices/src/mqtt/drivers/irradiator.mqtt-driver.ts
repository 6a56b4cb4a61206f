import { randomUUID } from 'node:crypto';
import type {
  Irradiator,
  IrradiatorPermissives,
  PhysicalCommand,
  SourcePosition,
} from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { MqttMessage } from '../mqtt-link';
import { parseJsonObject, topics } from '../mqtt-topics';
import { MqttDeviceBase } from './mqtt-device.base';

const POSITIONS: readonly SourcePosition[] = ['stored', 'transit', 'exposed'];

/** Parses the facility's retained state; undefined when it is not a permissive record. */
export function parseIrradiatorState(payload: Buffer | string): IrradiatorPermissives | undefined {
  const s = parseJsonObject(payload);
  if (!s) return undefined;
  const bools = ['doorClosed', 'areaMonitorOk', 'keyEnabled', 'interlockTripped'] as const;
  if (!bools.every((k) => typeof s[k] === 'boolean')) return undefined;
  if (!POSITIONS.includes(s.sourcePosition as SourcePosition) || typeof s.ts !== 'number') return undefined;
  return {
    doorClosed: s.doorClosed as boolean,
    areaMonitorOk: s.areaMonitorOk as boolean,
    keyEnabled: s.keyEnabled as boolean,
    interlockTripped: s.interlockTripped as boolean,
    sourcePosition: s.sourcePosition as SourcePosition,
    at: s.ts,
  };
}

/** Why the permissives forbid raising the source, or undefined when they allow it. */
export function raiseBlockedBy(p: IrradiatorPermissives): string | undefined {
  if (!p.doorClosed) return 'door open';
  if (!p.keyEnabled) return 'console key off';
  if (!p.areaMonitorOk) return 'area monitor alarm';
  if (p.interlockTripped) return 'interlock tripped (manual reset at the interlock, then the console)';
  if (p.sourcePosition === 'transit') return 'source in transit';
  return undefined;
}

/**
 * γ-irradiator / facility controller over MQTT 5. Software only reads the permissives and requests
 * source movement; the hard-wired interlock chain is the safety system, never this driver.
 */
export class IrradiatorMqtt extends MqttDeviceBase implements Irradiator {
  readonly role = 'irradiator' as const;
  private state?: IrradiatorPermissives;

  protected async subscribeDevice(): Promise<void> {
    await this.track(topics.state(this.ctx.labId, this.id), (m) => this.onState(m));
  }

  private onState(m: MqttMessage): void {
    const next = parseIrradiatorState(m.payload);
    if (!next) return;
    const prev = this.state;
    this.state = next;
    if (next.interlockTripped && !prev?.interlockTripped)
      this.emit({ type: 'alarm', code: 'interlock', message: 'facility interlock tripped' });
  }

  /** Lab ms the source takes to move; the wait for completion allows twice that. */
  private transitLabMs(): number {
    return (this.device.limits.transitS ?? 15) * 1000;
  }

  async permissives(options?: CommandOptions): Promise<IrradiatorPermissives> {
    await this.waitOnline(options);
    if (!this.state) {
      // The retained state arrives right after subscribing; give it the device's timeout.
      const deadline = Date.now() + Math.min(this.timeout(options), 3000);
      while (!this.state && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    if (!this.state) throw new DeviceError('timeout', this.id, 'facility published no state');
    return this.state;
  }

  async raiseSource(command: PhysicalCommand, options?: CommandOptions): Promise<void> {
    // Fresh permissive read immediately before the request; refuse before anything is sent.
    const p = await this.permissives(options);
    const blocked = raiseBlockedBy(p);
    if (blocked) throw new DeviceError('refused', this.id, `cannot raise the source: ${blocked}`, blocked);
    await this.move('raise-source', command.commandId, 'exposed', options);
  }

  async lowerSource(command: PhysicalCommand, options?: CommandOptions): Promise<void> {
    await this.move('lower-source', command.commandId, 'stored', options);
  }

  private async move(
    name: string,
    commandId: string,
    expect: SourcePosition,
    options?: CommandOptions,
  ): Promise<void> {
    const reply = await this.command(
      name,
      { commandId },
      {
        ...options,
        realTimeoutMs: this.timeout(options) + this.ctx.clock.toRealMs(2 * this.transitLabMs()),
      },
    );
    const reported = reply.result?.sourcePosition;
    if (reported !== expect)
      throw new DeviceError(
        'protocol',
        this.id,
        `${name} completed with source ${String(reported)}, expected ${expect}`,
      );
    // Confirmation: the retained state must agree with the completion (independent position feedback).
    const deadline = Date.now() + 1000;
    while (this.state?.sourcePosition !== expect && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    if (this.state?.sourcePosition !== expect)
      throw new DeviceError(
        'protocol',
        this.id,
        `facility state shows ${this.state?.sourcePosition}, expected ${expect}`,
      );
  }

  async safeState(options?: CommandOptions): Promise<void> {
    await this.lowerSource({ commandId: `${this.id}-safe-${randomUUID()}` }, options);
    const p = await this.permissives(options);
    if (p.sourcePosition !== 'stored')
      throw new DeviceError('device', this.id, `source not stored after lowering (${p.sourcePosition})`);
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.lowerSource({ commandId: `${this.id}-stop-${randomUUID()}` }, options);
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const p = await this.permissives(options);
    const state = p.interlockTripped ? 'alarm' : p.sourcePosition === 'transit' ? 'busy' : 'ok';
    return this.baseStatus(state, { ...p });
  }
}
