import type { AnyDevice } from '@graftlab/devices';
import type { Inventory, InventoryDevice } from '@graftlab/inventory';
import { DeviceHub } from './device-hub';

/**
 * Pure bookkeeping of shared instruments (no transport): a fake device records connects and closes, and its
 * connect is settled by the test, so two users can be made to overlap it.
 */
function fakeLab(transport?: string) {
  const opened: { connects: number; closes: number; settle: (ok: boolean) => void }[] = [];
  const inventory = {
    devices: [{ id: 'robot-1', role: 'sample-handler', driver: 'fake', transport }],
    shared: ['robot-1'],
    stations: [],
  } as unknown as Inventory;
  const create = (d: InventoryDevice) => {
    const record = { connects: 0, closes: 0, settle: (_ok: boolean) => undefined as void };
    opened.push(record);
    return {
      id: d.id,
      role: d.role,
      connect: () => {
        record.connects++;
        return new Promise<void>((resolve, reject) => {
          record.settle = (ok) => (ok ? resolve() : reject(new Error('broker gone')));
        });
      },
      close: () => {
        record.closes++;
        return Promise.resolve();
      },
    } as unknown as AnyDevice;
  };
  return { hub: new DeviceHub(inventory, [], create), opened };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('DeviceHub shared instruments', () => {
  it('opens a shared instrument once for users that ask at the same time, and closes it after the last', async () => {
    const { hub, opened } = fakeLab();
    const a = hub.use('robot-1', 'sample-handler', 1000);
    const b = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    expect(opened).toHaveLength(1);
    opened[0].settle(true);
    expect(await a).toBe(await b);
    await hub.releaseShared('robot-1');
    expect(opened[0].closes).toBe(0);
    await hub.releaseShared('robot-1');
    expect(opened[0].closes).toBe(1);
  });

  it('fails every user of a connect that failed, and the next user opens it afresh', async () => {
    const { hub, opened } = fakeLab();
    const a = hub.use('robot-1', 'sample-handler', 1000);
    const b = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    opened[0].settle(false);
    await expect(a).rejects.toThrow('broker gone');
    await expect(b).rejects.toThrow('broker gone');
    expect(opened[0].closes).toBe(1);

    const c = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    expect(opened).toHaveLength(2);
    opened[1].settle(true);
    await c;
    await hub.releaseShared('robot-1');
    expect(opened[1].closes).toBe(1);
  });

  it('keeps an MQTT instrument open between users, and checks it is online again when it is next used', async () => {
    const { hub, opened } = fakeLab('mqtt');
    const a = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    opened[0].settle(true);
    await a;
    await hub.releaseShared('robot-1');
    expect(opened[0].closes).toBe(0);
    // The next user: no new driver, a connect on the open one (its retained status says whether it is online) …
    const b = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    expect(opened).toHaveLength(1);
    expect(opened[0].connects).toBe(2);
    opened[0].settle(true);
    await b;
    await hub.releaseShared('robot-1');
    // … and one that finds it offline fails, leaving it open for the next.
    const c = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    opened[0].settle(false);
    await expect(c).rejects.toThrow('broker gone');
    const d = hub.use('robot-1', 'sample-handler', 1000);
    await tick();
    expect(opened[0].connects).toBe(4);
    opened[0].settle(true);
    await d;
    await hub.closeAll();
    expect(opened[0].closes).toBe(1);
  });
});
