import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  connectMqttLink,
  IrradiatorMqtt,
  isDeviceError,
  RobotMqtt,
  uniqueClientId,
  type CommandFence,
  type DriverContext,
  type MqttLink,
} from '@graftlab/devices';
import { deviceById, loadInventory } from '@graftlab/inventory';
import { mqttOnly } from '../testing/inventory-fixtures';
import { startVirtualLab, type VirtualLab } from '../virtual-lab';
import type { IrradiatorTwin } from './irradiator.twin';
import type { RobotTwin } from './robot.twin';

const MQTT_URL = 'mqtt://127.0.0.1:1883';
const inventory = mqttOnly(loadInventory(join(__dirname, '../../../../devices/virtual-lab.json')));

/** A worker's lease on every instrument under one generation (what the engine's lease fence hands the driver). */
const leaseUnder = (generation: number, holder: string): CommandFence => ({
  admit: (deviceId) => Promise.resolve({ resource: deviceId, generation, holder }),
});

describe('MQTT twins enforce lease generations like a facility controller (Mosquitto on 127.0.0.1:1883)', () => {
  let lab: VirtualLab;
  let link: MqttLink;
  let labId: string;
  const dev = (id: string) => deviceById(inventory, id)!;
  const ctx = (fence?: CommandFence): DriverContext => ({ clock: lab.world.clock, labId, mqtt: link, fence });

  beforeAll(async () => {
    labId = `t-fence-${randomBytes(4).toString('hex')}`;
    lab = await startVirtualLab({ inventory, mqttUrl: MQTT_URL, clockSpeed: 100, seed: 5, labId });
    link = await connectMqttLink({ url: MQTT_URL, clientId: uniqueClientId('fence-spec'), labId });
  });

  afterAll(async () => {
    await link?.close();
    await lab?.stop();
  });

  it('refuses a command carrying a generation below the highest seen, executing nothing', async () => {
    const twin = lab.twins.get('irradiator-1')!.instance as IrradiatorTwin;
    const stale = new IrradiatorMqtt(dev('irradiator-1'), ctx(leaseUnder(5, 'w1/r1')));
    const current = new IrradiatorMqtt(dev('irradiator-1'), ctx(leaseUnder(6, 'w2/r2')));
    await stale.connect();
    await current.connect();
    await stale.raiseSource({ commandId: `raise-${labId}` });
    await current.lowerSource({ commandId: `lower-${labId}` });
    const refused = await stale.raiseSource({ commandId: `raise-again-${labId}` }).catch((e: unknown) => e);
    expect(isDeviceError(refused, 'fenced')).toBe(true);
    expect((refused as { notSent: boolean }).notSent).toBe(true);
    expect(twin.facilityState().sourcePosition).toBe('stored');
    expect(twin.fencingGeneration).toBe(6);
    expect(twin.commands().map((c) => [c.name, c.generation, c.verdict])).toEqual([
      ['raise-source', 5, 'accepted'],
      ['lower-source', 6, 'accepted'],
      ['raise-source', 5, 'fenced'],
    ]);
    expect(twin.counters().fenced).toBe(1);
    // A command without a token (an e-stop, no lease held) is executed and counted as unfenced.
    const unfenced = new IrradiatorMqtt(dev('irradiator-1'), ctx());
    await unfenced.connect();
    await unfenced.lowerSource({ commandId: `estop-${labId}` });
    expect(twin.counters().unfenced).toBe(1);
    await Promise.all([stale.close(), current.close(), unfenced.close()]);
  });

  it('refuses a robot move of a superseded holder and a token issued for another instrument', async () => {
    const twin = lab.twins.get('robot-1')!.instance as RobotTwin;
    lab.world.loadSample({
      id: 'fence-film',
      basePolymer: 'PE',
      thicknessUm: 50,
      nominalMassG: 0.05,
      location: 'rack-a',
    });
    const current = new RobotMqtt(dev('robot-1'), ctx(leaseUnder(11, 'w2/r2')));
    const stale = new RobotMqtt(dev('robot-1'), ctx(leaseUnder(10, 'w1/r1')));
    const foreign = new RobotMqtt(dev('robot-1'), {
      ...ctx(),
      fence: { admit: () => Promise.resolve({ resource: 'irradiator-1', generation: 99, holder: 'w3/r3' }) },
    });
    await Promise.all([current.connect(), stale.connect(), foreign.connect()]);
    await current.move({ commandId: `m1-${labId}`, sampleId: 'fence-film', from: 'rack-a', to: 'wash-1' });
    const move = { commandId: `m2-${labId}`, sampleId: 'fence-film', from: 'wash-1', to: 'rack-a' };
    expect(isDeviceError(await stale.move(move).catch((e: unknown) => e), 'fenced')).toBe(true);
    const other = { ...move, commandId: `m3-${labId}` };
    expect(isDeviceError(await foreign.move(other).catch((e: unknown) => e), 'fenced')).toBe(true);
    expect(lab.world.sample('fence-film')?.location).toBe('wash-1');
    expect(twin.commands().filter((c) => c.verdict === 'accepted' && (c.generation ?? 0) < 11)).toEqual([]);
    await Promise.all([current.close(), stale.close(), foreign.close()]);
  });
});
