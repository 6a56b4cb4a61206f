import { topics, type SourcePosition } from '@graftlab/devices';
import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { MqttTwin, TwinRefusal, type Execution, type TwinBrokerOptions } from './mqtt-twin.base';

export interface FacilityState {
  doorClosed: boolean;
  areaMonitorOk: boolean;
  keyEnabled: boolean;
  interlockTripped: boolean;
  sourcePosition: SourcePosition;
}

export const IRRADIATOR_FW = 'GC-FACILITY-SIM 2.1';

/**
 * γ-irradiator facility controller: retained state with the permissives and the source position, raise/lower
 * with a transit time on the lab clock, refusal with a reason when the door is open, the key off or the
 * interlock latched. Opening the door with the source up returns the source and latches the interlock
 * (the hard-wired chain, simulated); only resetInterlock() (a person at the interlock) clears it.
 */
export class IrradiatorTwin extends MqttTwin {
  private readonly state: FacilityState;
  private generation = 0;
  private watch?: NodeJS.Timeout;
  private readonly transitLabMs: number;

  static async connect(
    device: InventoryDevice,
    world: LabWorld,
    broker: TwinBrokerOptions,
  ): Promise<IrradiatorTwin> {
    const twin = new IrradiatorTwin(
      device,
      world,
      await MqttTwin.connectLink(device.id, IRRADIATOR_FW, broker),
    );
    await twin.start();
    return twin;
  }

  private constructor(
    device: InventoryDevice,
    world: LabWorld,
    link: Awaited<ReturnType<typeof MqttTwin.connectLink>>,
  ) {
    super(device.id, world, link, IRRADIATOR_FW);
    this.transitLabMs = (device.limits.transitS ?? 8) * 1000;
    this.state = {
      doorClosed: world.doorClosed(device.id),
      areaMonitorOk: true,
      keyEnabled: true,
      interlockTripped: false,
      sourcePosition: world.sourceExposed(device.id) ? 'exposed' : 'stored',
    };
  }

  override async start(): Promise<void> {
    await super.start();
    // Republish the retained state after every reconnect (the broker keeps it, but a fresh session is cheap).
    this.link.onEvent((e) => {
      if (e.type === 'connected') void this.publishState();
    });
    await this.publishState();
    // The door is a physical input: watch the world for it.
    this.watch = setInterval(() => this.checkDoor(), 20);
  }

  facilityState(): Readonly<FacilityState> {
    return { ...this.state };
  }

  private publishState(): Promise<void> {
    const payload = JSON.stringify({ ...this.state, ts: this.world.clock.now() });
    return this.link
      .publish(topics.state(this.labId, this.id), payload, { qos: 1, retain: true })
      .catch(() => this.count('state-lost'));
  }

  private set(patch: Partial<FacilityState>): void {
    Object.assign(this.state, patch);
    void this.publishState();
  }

  /** Opens or closes the cell door (the world's door input). */
  setDoorClosed(closed: boolean): void {
    this.world.setDoorClosed(this.id, closed);
    this.checkDoor();
  }

  setKeyEnabled(enabled: boolean): void {
    this.set({ keyEnabled: enabled });
  }

  setAreaMonitorOk(ok: boolean): void {
    this.set({ areaMonitorOk: ok });
  }

  /** Manual reset at the interlock panel (never possible over MQTT). */
  resetInterlock(): void {
    this.set({ interlockTripped: false });
  }

  private checkDoor(): void {
    const closed = this.world.doorClosed(this.id);
    if (closed === this.state.doorClosed) return;
    const sourceUp = this.state.sourcePosition !== 'stored';
    this.set({ doorClosed: closed, interlockTripped: this.state.interlockTripped || (!closed && sourceUp) });
    if (!closed && sourceUp) {
      // Door breach: the source drops at once and the trip latches.
      this.count('door-trips');
      this.generation++;
      this.world.setSourceExposed(this.id, false);
      this.set({ sourcePosition: 'stored' });
      void this.link
        .publish(
          topics.event(this.labId, this.id, 'interlock'),
          JSON.stringify({ reason: 'door opened with the source up', ts: this.world.clock.now() }),
          { qos: 1 },
        )
        .catch(() => undefined);
    }
  }

  protected execute(name: string, _payload: Record<string, unknown>): Execution {
    switch (name) {
      case 'raise-source':
        return this.raise();
      case 'lower-source':
        return this.lower();
      default:
        throw new TwinRefusal('unknown-command', `unknown command ${name}`);
    }
  }

  private raise(): Execution {
    const s = this.state;
    if (!s.doorClosed) throw new TwinRefusal('door-open', 'door open');
    if (!s.keyEnabled) throw new TwinRefusal('key-off', 'console key off');
    if (!s.areaMonitorOk) throw new TwinRefusal('area-monitor', 'area monitor alarm');
    if (s.interlockTripped)
      throw new TwinRefusal('interlock', 'interlock latched: reset at the interlock first');
    if (s.sourcePosition === 'transit') throw new TwinRefusal('busy', 'source in transit');
    if (s.sourcePosition === 'exposed') return Promise.resolve({ sourcePosition: 'exposed' });
    const gen = ++this.generation;
    this.set({ sourcePosition: 'transit' });
    return this.world.clock.sleep(this.transitLabMs).then(() => {
      if (gen !== this.generation) throw new TwinRefusal('aborted', 'raise aborted (lowered or interlock)');
      this.world.setSourceExposed(this.id, true);
      this.set({ sourcePosition: 'exposed' });
      return { sourcePosition: 'exposed' };
    });
  }

  private lower(): Execution {
    const gen = ++this.generation;
    if (this.state.sourcePosition === 'stored') return Promise.resolve({ sourcePosition: 'stored' });
    // Exposure ends as the source leaves the exposed position.
    this.world.setSourceExposed(this.id, false);
    this.set({ sourcePosition: 'transit' });
    return this.world.clock.sleep(this.transitLabMs).then(() => {
      if (gen === this.generation) this.set({ sourcePosition: 'stored' });
      return { sourcePosition: this.state.sourcePosition };
    });
  }

  override async close(): Promise<void> {
    clearInterval(this.watch);
    await super.close();
  }
}
