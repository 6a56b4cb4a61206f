import type { AnyDevice, CommandFence, Device } from '@graftlab/devices';
import type { DeviceRole, Inventory, InventoryDevice, InventoryStation } from '@graftlab/inventory';

/** Creates a driver; a shared instrument's gets the lease fence its commands must pass. */
export type DeviceFactory = (device: InventoryDevice, extras?: { fence?: CommandFence }) => AnyDevice;
type RoleMap = {
  [R in DeviceRole]: Extract<AnyDevice, { role: R }>;
};

/**
 * The devices one worker process owns (its stations') plus the lab's shared instruments.
 * Owned devices are opened at start-up and driven to their safe state before the worker takes a job;
 * shared instruments are opened when a lease on them is taken and closed when it is released,
 * because a serial line (or a device server) serves one process at a time — MQTT ones stay open (keptOpen).
 */
export class DeviceHub {
  private readonly owned = new Map<string, AnyDevice>();
  /** Shared instruments open here, with the connect every user awaits (two users never open one twice). */
  private readonly shared = new Map<
    string,
    {
      device: AnyDevice;
      users: number;
      ready: Promise<void>;
      /** The fence its driver was created with. */
      fence?: CommandFence;
      /** Kept open with no user since (keptOpen): checked again by its next user. */
      idle?: boolean;
    }
  >();
  private fence?: CommandFence;

  constructor(
    private readonly inventory: Inventory,
    readonly stations: readonly InventoryStation[],
    private readonly create: DeviceFactory,
  ) {
    for (const station of stations) {
      for (const id of station.devices) this.owned.set(id, create(this.entry(id)));
    }
  }

  /** Connects every owned device and drives it safe; rejects naming the devices that failed. */
  async start(options: { timeoutMs: number }): Promise<void> {
    const failures: string[] = [];
    await Promise.all(
      [...this.owned.values()].map(async (d) => {
        try {
          await d.connect({ timeoutMs: options.timeoutMs });
          await d.safeState({ timeoutMs: options.timeoutMs });
        } catch (e) {
          failures.push(`${d.id}: ${(e as Error).message}`);
        }
      }),
    );
    if (failures.length) throw new Error(`devices not ready: ${failures.join('; ')}`);
  }

  /** From now on, shared instruments are opened with this lease fence in their drivers' context. */
  useFence(fence: CommandFence): void {
    this.fence = fence;
  }

  ownedDevices(): AnyDevice[] {
    return [...this.owned.values()];
  }

  /** The device of a role serving a station: the station's own first, then a shared one. */
  deviceIdFor(station: InventoryStation, role: DeviceRole): string | undefined {
    for (const id of [...station.devices, ...this.inventory.shared]) {
      if (this.entry(id).role === role) return id;
    }
    return undefined;
  }

  isShared(deviceId: string): boolean {
    return this.inventory.shared.includes(deviceId);
  }

  /** An owned device, or a shared one opened for a lease holder (call releaseShared when done). */
  async use<R extends DeviceRole>(deviceId: string, role: R, timeoutMs: number): Promise<RoleMap[R]> {
    const owned = this.owned.get(deviceId);
    let device: Device;
    if (owned) device = owned;
    else {
      let entry = this.shared.get(deviceId);
      if (entry?.idle && entry.fence !== this.fence) {
        // Kept open from before the fence was set: opened afresh, so that its commands carry the lease's token.
        this.shared.delete(deviceId);
        void entry.device.close().catch(() => undefined);
        entry = undefined;
      }
      const idle = entry?.idle === true;
      if (!entry) {
        const created = this.create(this.entry(deviceId), { fence: this.fence });
        const ready = created.connect({ timeoutMs }).catch(async (e: unknown) => {
          // Not open: forget it, so that every user waiting on this connect fails and the next one opens afresh.
          if (this.shared.get(deviceId)?.device === created) this.shared.delete(deviceId);
          await created.close().catch(() => undefined);
          throw e;
        });
        entry = { device: created, users: 0, ready, fence: this.fence };
        this.shared.set(deviceId, entry);
      }
      await entry.ready;
      entry.users++;
      entry.idle = false;
      device = entry.device;
      // An instrument kept open between leases: whether it is online now (for MQTT, its retained status).
      if (idle)
        await device.connect({ timeoutMs }).catch((e: unknown) => {
          if (--entry!.users <= 0) entry!.idle = true; // still open: the next user checks again
          throw e;
        });
    }
    if (device.role !== role) throw new Error(`${deviceId} is a ${device.role}, not a ${role}`);
    return device as RoleMap[R];
  }

  async releaseShared(deviceId: string): Promise<void> {
    const entry = this.shared.get(deviceId);
    if (!entry) return;
    entry.users--;
    if (entry.users <= 0 && this.keptOpen(deviceId) && entry.fence === this.fence) entry.idle = true;
    else if (entry.users <= 0) {
      this.shared.delete(deviceId);
      await entry.device.close().catch(() => undefined);
    }
  }

  /** Every device this process holds to its safe state at once (e-stop, abort, shutdown). */
  /**
   * Every device this process holds to its safe state at once (abort, shutdown). With `idleShared` (e-stop),
   * the lab's shared instruments that no run holds here are opened for the moment and driven safe too.
   */
  async safeStateAll(
    timeoutMs: number,
    options: { idleShared?: boolean } = {},
  ): Promise<{ deviceId: string; ok: boolean; error?: string }[]> {
    const held = [...this.owned.values(), ...[...this.shared.values()].map((e) => e.device)];
    const safe = async (d: Device, open: boolean) => {
      try {
        if (open) await d.connect({ timeoutMs });
        await d.safeState({ timeoutMs });
        return { deviceId: d.id, ok: true };
      } catch (e) {
        return { deviceId: d.id, ok: false, error: (e as Error).message };
      } finally {
        if (open) await d.close().catch(() => undefined);
      }
    };
    const idle = options.idleShared
      ? this.inventory.shared.filter((id) => !this.shared.has(id)).map((id) => this.create(this.entry(id)))
      : [];
    return Promise.all([...held.map((d) => safe(d, false)), ...idle.map((d) => safe(d, true))]);
  }

  async closeAll(): Promise<void> {
    const devices = [...this.owned.values(), ...[...this.shared.values()].map((e) => e.device)];
    this.shared.clear();
    await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
  }

  /**
   * An MQTT instrument stays open here once opened: the broker serves any number of clients (only a serial line or
   * a device server serves one process at a time), and opening it again for every lease costs a subscription and
   * the wait for its retained status. Its commands still go out only under the run's lease.
   */
  private keptOpen(id: string): boolean {
    return this.entry(id).transport === 'mqtt';
  }

  private entry(id: string): InventoryDevice {
    const d = this.inventory.devices.find((x) => x.id === id);
    if (!d) throw new Error(`unknown device ${id}`);
    return d;
  }
}
