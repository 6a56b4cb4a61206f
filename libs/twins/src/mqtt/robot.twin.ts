import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { MqttTwin, TwinRefusal, type Execution, type TwinBrokerOptions } from './mqtt-twin.base';

export const ROBOT_FW = 'ROBOT-SIM 3.0';

/** Sample-handling robot: one move at a time with a travel time on the lab clock, idempotent by commandId. */
export class RobotTwin extends MqttTwin {
  private moving?: { sampleId: string; abort: AbortController };
  private readonly travelLabMs: number;

  static async connect(
    device: InventoryDevice,
    world: LabWorld,
    broker: TwinBrokerOptions,
    locations: readonly string[],
  ): Promise<RobotTwin> {
    const link = await MqttTwin.connectLink(device.id, ROBOT_FW, broker);
    const twin = new RobotTwin(device, world, link, new Set(locations));
    await twin.start();
    return twin;
  }

  private constructor(
    device: InventoryDevice,
    world: LabWorld,
    link: Awaited<ReturnType<typeof MqttTwin.connectLink>>,
    private readonly locations: ReadonlySet<string>,
  ) {
    super(device.id, world, link, ROBOT_FW);
    this.travelLabMs = (device.limits.travelS ?? 20) * 1000;
  }

  protected execute(name: string, p: Record<string, unknown>): Execution {
    switch (name) {
      case 'move':
        return this.move(p);
      case 'locate': {
        const id = String(p.sampleId ?? '');
        return Promise.resolve({ location: this.world.sample(id)?.location ?? null });
      }
      case 'stop':
        this.moving?.abort.abort();
        return Promise.resolve({ stopped: true });
      case 'status':
        return Promise.resolve({ busy: this.moving !== undefined, sampleId: this.moving?.sampleId ?? null });
      default:
        throw new TwinRefusal('unknown-command', `unknown command ${name}`);
    }
  }

  private move(p: Record<string, unknown>): Execution {
    const { sampleId, from, to } = p;
    if (typeof sampleId !== 'string' || typeof from !== 'string' || typeof to !== 'string')
      throw new TwinRefusal('bad-arguments', 'move needs sampleId, from and to');
    for (const loc of [from, to])
      if (!this.locations.has(loc)) throw new TwinRefusal('unknown-location', `unknown location ${loc}`);
    const here = this.world.sample(sampleId)?.location;
    if (here === undefined) throw new TwinRefusal('unknown-sample', `no sample ${sampleId}`);
    if (here !== from) throw new TwinRefusal('not-at-from', `sample ${sampleId} is at ${here}, not ${from}`);
    if (this.moving) throw new TwinRefusal('busy', `moving ${this.moving.sampleId}`);
    const abort = new AbortController();
    this.moving = { sampleId, abort };
    return this.world.clock
      .sleep(this.travelLabMs, abort.signal)
      .then(
        () => {
          this.world.moveSample(sampleId, to);
          return { location: to };
        },
        () => {
          throw new TwinRefusal('stopped', `move of ${sampleId} stopped; sample left at ${from}`);
        },
      )
      .finally(() => {
        this.moving = undefined;
      });
  }
}
