import type { O2Sensor } from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { MqttMessage } from '../mqtt-link';
import { parseJsonObject, topics } from '../mqtt-topics';
import { MqttDeviceBase } from './mqtt-device.base';

/** O₂ sensor publishing telemetry/o2Ppm; a reading older than limits.staleMs (real ms, default 5000) is not used. */
export class O2SensorMqtt extends MqttDeviceBase implements O2Sensor {
  readonly role = 'o2-sensor' as const;
  private last?: { ppm: number; at: number; receivedAt: number };
  private waiters: (() => void)[] = [];

  protected async subscribeDevice(): Promise<void> {
    await this.track(topics.telemetry(this.ctx.labId, this.id, 'o2Ppm'), (m) => this.onTelemetry(m), 0);
  }

  private onTelemetry(m: MqttMessage): void {
    const t = parseJsonObject(m.payload);
    if (!t || typeof t.value !== 'number' || !Number.isFinite(t.value)) return;
    const at = typeof t.ts === 'number' ? t.ts : this.ctx.clock.now();
    this.last = { ppm: t.value, at, receivedAt: performance.now() };
    this.emit({
      type: 'telemetry',
      telemetry: { deviceId: this.id, name: 'o2Ppm', value: t.value, unit: 'ppm', at },
    });
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private fresh(): boolean {
    return (
      this.last !== undefined &&
      performance.now() - this.last.receivedAt <= (this.device.limits.staleMs ?? 5000)
    );
  }

  async readPpm(options?: CommandOptions): Promise<number> {
    if (!this.fresh()) {
      if (this.online === false)
        throw new DeviceError('disconnected', this.id, 'sensor is offline (last will)');
      const ms = this.timeout(options);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (!this.fresh() || !this.last)
      throw new DeviceError('timeout', this.id, 'no fresh O2 reading (telemetry stale or absent)');
    return this.last.ppm;
  }

  async safeState(): Promise<void> {
    // A sensor has nothing to make safe.
  }

  async stop(): Promise<void> {}

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const ppm = await this.readPpm(options);
    return this.baseStatus('ok', { o2Ppm: ppm });
  }
}
