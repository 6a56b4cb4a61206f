import { randomUUID } from 'node:crypto';
import type { PhysicalCommand, SampleHandler } from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import { MqttDeviceBase } from './mqtt-device.base';

/** Sample-handling robot over MQTT 5: move is idempotent by commandId (a redelivery is acknowledged, not repeated). */
export class RobotMqtt extends MqttDeviceBase implements SampleHandler {
  readonly role = 'sample-handler' as const;

  protected async subscribeDevice(): Promise<void> {}

  async move(
    command: PhysicalCommand & { sampleId: string; from: string; to: string },
    options?: CommandOptions,
  ): Promise<void> {
    const travelLabMs = (this.device.limits.maxTravelS ?? 60) * 1000;
    await this.command(
      'move',
      { commandId: command.commandId, sampleId: command.sampleId, from: command.from, to: command.to },
      { ...options, realTimeoutMs: this.timeout(options) + this.ctx.clock.toRealMs(travelLabMs) },
    );
  }

  async locate(sampleId: string, options?: CommandOptions): Promise<string | undefined> {
    const reply = await this.command('locate', { sampleId }, options);
    const location = reply.result?.location;
    if (location !== undefined && location !== null && typeof location !== 'string')
      throw new DeviceError('protocol', this.id, `locate returned ${JSON.stringify(location)}`);
    return location ?? undefined;
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.command('stop', { commandId: `${this.id}-stop-${randomUUID()}` }, options);
  }

  async safeState(options?: CommandOptions): Promise<void> {
    await this.stop(options);
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const reply = await this.command('status', {}, options);
    const busy = reply.result?.busy === true;
    return this.baseStatus(busy ? 'busy' : 'ok', { ...(reply.result ?? {}) });
  }
}
