import { topics } from '@graftlab/devices';
import type { Rng } from '@graftlab/grafting-model';
import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { MqttTwin, TwinRefusal, type Execution, type TwinBrokerOptions } from './mqtt-twin.base';

export const O2_SENSOR_FW = 'O2-SIM 1.4';
/** At most 20 messages per real second, however fast the lab clock runs. */
const MIN_PERIOD_REAL_MS = 50;

/** O₂ sensor: publishes telemetry/o2Ppm of the world about every lab second (throttled in real time). */
export class O2SensorTwin extends MqttTwin {
  private timer?: NodeJS.Timeout;
  private readonly rng: Rng;

  static async connect(
    device: InventoryDevice,
    world: LabWorld,
    broker: TwinBrokerOptions,
  ): Promise<O2SensorTwin> {
    const twin = new O2SensorTwin(device, world, await MqttTwin.connectLink(device.id, O2_SENSOR_FW, broker));
    await twin.start();
    return twin;
  }

  private constructor(
    device: InventoryDevice,
    world: LabWorld,
    link: Awaited<ReturnType<typeof MqttTwin.connectLink>>,
  ) {
    super(device.id, world, link, O2_SENSOR_FW);
    this.rng = world.rng.fork(`o2:${device.id}`);
  }

  override async start(): Promise<void> {
    await super.start();
    const period = Math.max(MIN_PERIOD_REAL_MS, this.world.clock.toRealMs(1000));
    this.timer = setInterval(() => this.publish(), period);
    this.publish();
  }

  private publish(): void {
    // A silent sensor (no-reply) or an unplugged one publishes nothing: the driver sees stale data.
    if (this.faults.has('no-reply') || !this.link.connected) return;
    const truth = this.world.o2Ppm(this.id);
    const value = Math.max(0, truth * (1 + this.rng.normal(0, 0.01)) + this.rng.normal(0, 0.2));
    this.count('telemetry');
    void this.link
      .publish(
        topics.telemetry(this.labId, this.id, 'o2Ppm'),
        JSON.stringify({ value: Math.round(value * 100) / 100, unit: 'ppm', ts: this.world.clock.now() }),
        { qos: 0 },
      )
      .catch(() => undefined);
  }

  protected execute(name: string): Execution {
    throw new TwinRefusal('unknown-command', `unknown command ${name}`);
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    await super.close();
  }
}
