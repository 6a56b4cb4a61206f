import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  connectMqttLink,
  IrradiatorMqtt,
  isDeviceError,
  O2SensorMqtt,
  RobotMqtt,
  topics,
  uniqueClientId,
  type DeviceEvent,
  type DriverContext,
  type MqttLink,
} from '@graftlab/devices';
import { deviceById, loadInventory } from '@graftlab/inventory';
import { mqttOnly } from '../testing/inventory-fixtures';
import { startVirtualLab, type VirtualLab } from '../virtual-lab';
import { IRRADIATOR_FW, type IrradiatorTwin } from './irradiator.twin';
import type { RobotTwin } from './robot.twin';

const MQTT_URL = 'mqtt://127.0.0.1:1883';
const inventory = mqttOnly(loadInventory(join(__dirname, '../../../../devices/virtual-lab.json')));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('MQTT drivers against the MQTT twins (Mosquitto on 127.0.0.1:1883)', () => {
  let lab: VirtualLab;
  let link: MqttLink;
  let ctx: DriverContext;
  let labId: string;
  const dev = (id: string) => deviceById(inventory, id)!;

  beforeAll(async () => {
    labId = `t-${randomBytes(4).toString('hex')}`;
    lab = await startVirtualLab({ inventory, mqttUrl: MQTT_URL, clockSpeed: 100, seed: 3, labId });
    link = await connectMqttLink({ url: MQTT_URL, clientId: uniqueClientId('spec'), labId });
    ctx = { clock: lab.world.clock, labId, mqtt: link };
  });

  afterAll(async () => {
    await link?.close();
    await lab?.stop();
  });

  const irradiatorTwin = () => lab.twins.get('irradiator-1')!.instance as IrradiatorTwin;

  it('raises and lowers the source with request/response and confirmation', async () => {
    const irr = new IrradiatorMqtt(dev('irradiator-1'), ctx);
    await irr.connect();
    expect(await irr.identify()).toBe(IRRADIATOR_FW);
    expect(await irr.permissives()).toMatchObject({
      doorClosed: true,
      interlockTripped: false,
      sourcePosition: 'stored',
    });
    await irr.raiseSource({ commandId: 'raise-1' });
    expect(lab.world.sourceExposed('irradiator-1')).toBe(true);
    expect((await irr.permissives()).sourcePosition).toBe('exposed');
    await irr.safeState();
    expect(lab.world.sourceExposed('irradiator-1')).toBe(false);
    expect((await irr.status()).state).toBe('ok');
    await irr.close();
  });

  it('answers in two phases and executes a duplicated commandId once', async () => {
    const phases: string[] = [];
    const topic = topics.command(labId, 'irradiator-1', 'raise-source');
    const before = irradiatorTwin().counters()['executed:raise-source'] ?? 0;
    const opts = { deviceId: 'irradiator-1', timeoutMs: 5000, onAccepted: () => phases.push('accepted') };
    // QoS 1 may deliver twice: the same commandId arriving twice runs the source once.
    const [a, b] = await Promise.all([
      link.request(topic, { commandId: 'dup-1' }, opts),
      link.request(topic, { commandId: 'dup-1' }, opts),
    ]);
    expect(phases).toEqual(['accepted', 'accepted']);
    expect([a.phase, b.phase]).toEqual(['completed', 'completed']);
    expect([a.duplicate, b.duplicate].filter(Boolean)).toHaveLength(1);
    const c = irradiatorTwin().counters();
    expect(c['executed:raise-source']).toBe(before + 1);
    expect(c.duplicates).toBeGreaterThanOrEqual(1);
    await link.request(
      topics.command(labId, 'irradiator-1', 'lower-source'),
      { commandId: 'dup-1-lower' },
      opts,
    );
  });

  it('refuses to raise with the door open: the driver before sending, the facility with its reason', async () => {
    const irr = new IrradiatorMqtt(dev('irradiator-1'), ctx);
    await irr.connect();
    irradiatorTwin().setDoorClosed(false);
    await until(() => irradiatorTwin().facilityState().doorClosed === false);
    await new Promise((r) => setTimeout(r, 50)); // the retained state reaches the driver
    const received = irradiatorTwin().counters().received ?? 0;
    const err = await irr.raiseSource({ commandId: 'raise-door' }).catch((e: unknown) => e);
    expect(isDeviceError(err, 'refused')).toBe(true);
    expect(irradiatorTwin().counters().received ?? 0).toBe(received); // nothing was sent
    // A client that skips the check is still refused by the facility itself.
    const raw = await link
      .request(
        topics.command(labId, 'irradiator-1', 'raise-source'),
        { commandId: 'raw-door' },
        { deviceId: 'irradiator-1', timeoutMs: 2000 },
      )
      .catch((e: unknown) => e);
    expect(isDeviceError(raw, 'device') && raw.code).toBe('door-open');
    irradiatorTwin().setDoorClosed(true);
    await irr.close();
  });

  it('returns the source and latches the interlock when the door opens mid-exposure', async () => {
    const irr = new IrradiatorMqtt(dev('irradiator-1'), ctx);
    const events: DeviceEvent[] = [];
    irr.onEvent((e) => events.push(e));
    await irr.connect();
    await irr.raiseSource({ commandId: 'raise-mid' });
    irradiatorTwin().setDoorClosed(false);
    await until(() => events.some((e) => e.type === 'alarm'));
    expect(lab.world.sourceExposed('irradiator-1')).toBe(false);
    // The alarm event and the retained state travel on different topics (MQTT orders per topic only):
    // the driver's view converges to the facility's once the state message lands.
    let p = await irr.permissives();
    for (
      const end = Date.now() + 3000;
      p.sourcePosition !== 'stored' && Date.now() < end;
      p = await irr.permissives()
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(p).toMatchObject({ sourcePosition: 'stored', interlockTripped: true });
    irradiatorTwin().setDoorClosed(true);
    await until(() => irradiatorTwin().facilityState().doorClosed);
    await new Promise((r) => setTimeout(r, 50));
    await expect(irr.raiseSource({ commandId: 'raise-latched' })).rejects.toMatchObject({ kind: 'refused' });
    irradiatorTwin().resetInterlock();
    await until(() => irradiatorTwin().facilityState().interlockTripped === false);
    await new Promise((r) => setTimeout(r, 50));
    await irr.raiseSource({ commandId: 'raise-after-reset' });
    await irr.safeState();
    await irr.close();
  });

  it('moves samples idempotently, locates them and refuses impossible moves', async () => {
    lab.world.loadSample({
      id: 'rs-1',
      basePolymer: 'PE',
      thicknessUm: 50,
      nominalMassG: 0.05,
      location: 'rack-a',
    });
    const robot = new RobotMqtt(dev('robot-1'), ctx);
    await robot.connect();
    const cmd = { commandId: 'mv-1', sampleId: 'rs-1', from: 'rack-a', to: 'freezer-1' };
    await robot.move(cmd);
    await robot.move(cmd); // a retry of the same command: acknowledged, not repeated
    expect(await robot.locate('rs-1')).toBe('freezer-1');
    const twin = lab.twins.get('robot-1')!.instance as RobotTwin;
    expect(twin.counters()['executed:move']).toBe(1);
    await expect(robot.move({ ...cmd, commandId: 'mv-2' })).rejects.toMatchObject({
      kind: 'device',
      code: 'not-at-from',
    });
    await expect(
      robot.move({ commandId: 'mv-3', sampleId: 'rs-1', from: 'freezer-1', to: 'nowhere' }),
    ).rejects.toMatchObject({ kind: 'device', code: 'unknown-location' });
    expect(await robot.locate('no-such')).toBeUndefined();
    await robot.close();
  });

  it('detects a device going offline through its last will, and back online', async () => {
    const robot = new RobotMqtt(dev('robot-1'), ctx);
    const events: DeviceEvent[] = [];
    robot.onEvent((e) => events.push(e));
    await robot.connect();
    lab.injectFault('robot-1', { kind: 'unplug' });
    await until(() => events.some((e) => e.type === 'disconnected'), 20_000);
    await expect(robot.locate('rs-1')).rejects.toMatchObject({ kind: 'disconnected' });
    lab.clearFault('robot-1', 'unplug');
    await until(() => events.some((e) => e.type === 'connected'), 5000);
    expect(await robot.locate('rs-1')).toBe('freezer-1');
    await robot.close();
  });

  it('reads O₂ telemetry and reports a silent sensor as a timeout', async () => {
    const o2 = new O2SensorMqtt({ ...dev('o2-2'), limits: { staleMs: 300 }, timeoutMs: 500 }, ctx);
    await o2.connect();
    const ppm = await o2.readPpm();
    expect(ppm).toBeGreaterThan(1e5);
    lab.injectFault('o2-2', { kind: 'no-reply' });
    await new Promise((r) => setTimeout(r, 400));
    await expect(o2.readPpm()).rejects.toMatchObject({ kind: 'timeout' });
    lab.clearFault('o2-2');
    expect(await o2.readPpm()).toBeGreaterThan(1e5);
    await o2.close();
  });

  it('the virtual operator loads a sample when prompted', async () => {
    const reply = await link.request(
      topics.operatorPrompt(labId),
      {
        commandId: 'prompt-1',
        promptId: 'prompt-1',
        message: 'Load film F-7 into rack A',
        action: {
          kind: 'load-sample',
          sampleId: 'F-7',
          location: 'rack-a',
          basePolymer: 'ETFE',
          thicknessUm: 25,
          nominalMassG: 0.04,
        },
      },
      { deviceId: 'operator', timeoutMs: 5000 },
    );
    expect(reply).toMatchObject({ phase: 'completed', result: { done: 'load-sample' } });
    expect(lab.world.sample('F-7')).toMatchObject({ location: 'rack-a', basePolymer: 'ETFE' });
  });

  it('takes faults from the fault-control channel', async () => {
    const robot = new RobotMqtt(dev('robot-1'), ctx);
    await robot.connect();
    await link.publish(
      topics.virtualLabFaults(labId),
      JSON.stringify({ device: 'robot-1', fault: { kind: 'device-error', code: 'E42' } }),
      { qos: 1 },
    );
    await until(() => lab.twins.get('robot-1')!.faults.has('device-error'));
    await expect(robot.locate('rs-1')).rejects.toMatchObject({ kind: 'device', code: 'E42' });
    await link.publish(topics.virtualLabFaults(labId), JSON.stringify({ device: 'robot-1', clear: true }), {
      qos: 1,
    });
    await until(() => !lab.twins.get('robot-1')!.faults.has('device-error'));
    expect(await robot.locate('rs-1')).toBe('freezer-1');
    await robot.close();
  });
});
