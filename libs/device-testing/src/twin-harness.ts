import { join } from 'node:path';
import { ScaledClock } from '@graftlab/clock';
import { deviceById, loadInventory, type Inventory, type InventoryDevice } from '@graftlab/inventory';
import {
  createSerialTwin,
  VirtualLabWorld,
  type LabWorld,
  type SerialTwin,
  type TraceEntry,
} from '@graftlab/twins';
import type { DriverContext } from '@graftlab/devices';

export type Via = 'tcp' | 'pty';

export interface Harness {
  readonly inventory: Inventory;
  readonly device: InventoryDevice;
  readonly world: VirtualLabWorld;
  readonly twin: SerialTwin;
  readonly ctx: DriverContext;
  /** Host->device and device->host bytes the twin saw, as latin1 strings. */
  wire(dir: TraceEntry['dir']): string[];
  close(): Promise<void>;
}

const INVENTORY = join(__dirname, '../../../devices/virtual-lab.json');

/**
 * A twin of one virtual-lab device served on a real TCP port or pty pair, and the inventory entry and driver
 * context a driver needs to reach it (test support; the world is the real VirtualLabWorld).
 */
export async function startTwin(
  deviceId: string,
  via: Via,
  options: {
    speed?: number;
    patch?: Partial<InventoryDevice>;
    /** Wraps the world (e.g. to pin the mass on a balance pan). */
    world?: (w: VirtualLabWorld) => void;
  } = {},
): Promise<Harness> {
  const inventory = loadInventory(INVENTORY);
  const base = deviceById(inventory, deviceId);
  if (!base) throw new Error(`no device ${deviceId}`);
  const device: InventoryDevice = { ...structuredClone(base), ...options.patch };
  const clock = new ScaledClock(options.speed ?? 100);
  const world = new VirtualLabWorld(inventory, { clock, seed: 7, lotNoise: false });
  options.world?.(world);
  const twin = createSerialTwin(device, world as LabWorld);
  if (via === 'tcp') {
    await twin.listen('127.0.0.1', 0);
    device.transport = `tcp://127.0.0.1:${twin.port}`;
  } else {
    const pty = await twin.attachPty();
    device.transport = `serial://${pty.hostPath}`;
  }
  return {
    inventory,
    device,
    world,
    twin,
    ctx: { clock, labId: 'test' },
    wire: (dir) =>
      twin.trace
        .entries()
        .filter((e) => e.dir === dir)
        .map((e) => Buffer.from(e.hex, 'hex').toString('latin1')),
    close: () => twin.close(),
  };
}
