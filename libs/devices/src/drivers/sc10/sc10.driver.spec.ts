import { isDeviceError } from '../../capabilities/device-error';
import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import type { Sc10Twin } from '@graftlab/twins';
import { Sc10Shutter } from './sc10.driver';

describe.each<Via>(['pty', 'tcp'])('Sc10Shutter over %s', (via) => {
  let h: Harness;
  let shutter: Sc10Shutter;

  beforeEach(async () => {
    h = await startTwin('shutter-1', via, { speed: 100 });
    shutter = new Sc10Shutter(h.device, h.ctx);
    await shutter.connect();
  });
  afterEach(async () => {
    await shutter.close();
    await h.close();
  });

  it('times the exposure on the controller and reads back its measured open time', async () => {
    const exposed: number[] = [];
    const record = h.world.recordExposure.bind(h.world);
    h.world.recordExposure = (id, ms) => {
      exposed.push(ms);
      record(id, ms);
    };
    const r = await shutter.expose({ commandId: 'x1', durationMs: 5000 });
    expect(r.requestedMs).toBe(5000);
    expect(r.actualOpenMs).toBeCloseTo(5001.2, 1);
    expect(exposed).toEqual([r.actualOpenMs]); // the world got what the controller reported
    const host = h.wire('host');
    const device = h.wire('device');
    const replyTo = (req: string) => device[host.indexOf(req)];
    expect(replyTo('ens?\r')).toBe('ens?\r0\r> ');
    expect(replyTo('mode=3\r')).toBe('mode=3\r> ');
    expect(replyTo('open=5000\r')).toBe('open=5000\r> ');
    expect(replyTo('ens\r')).toBe('ens\r> ');
    expect(replyTo('interlock?\r')).toBe('interlock?\r0\r> ');
    expect(device).toContain('closed?\r1\r> ');
    expect(await shutter.counters()).toEqual({
      exposures: 1,
      cumulativeOpenMs: 5001.2,
      closed: true,
      interlockTripped: false,
    });
    expect(h.twin.counters()).toMatchObject({ exposures: 1, cumulativeOpenMs: 5001.2 });
  });

  it('refuses to expose while the interlock is tripped', async () => {
    (h.twin as Sc10Twin).setInterlock(true);
    await expect(shutter.expose({ commandId: 'x2', durationMs: 100 })).rejects.toMatchObject({
      kind: 'refused',
    });
    expect(h.wire('host')).not.toContain('ens\r');
    expect(h.twin.isSafe()).toBe(true);
  });

  it('a stuck shutter times out, and the driver closes it by disabling', async () => {
    h.twin.faults.inject({ kind: 'stuck-shutter' }, { once: true });
    const err = await shutter
      .expose({ commandId: 'x3', durationMs: 2000 }, { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(isDeviceError(err, 'timeout')).toBe(true);
    expect(h.twin.isSafe()).toBe(true);
    expect(h.twin.state()).toMatchObject({ enabled: false, closed: true });
  });

  it('reports CMD_NOT_DEFINED/CMD_ARG_INVALID and garbled lines', async () => {
    h.twin.faults.inject({ kind: 'device-error' }, { once: true });
    await expect(shutter.expose({ commandId: 'x4', durationMs: 100 })).rejects.toMatchObject({
      kind: 'device',
      code: 'CMD_ARG_INVALID',
    });
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(shutter.identify()).rejects.toMatchObject({ kind: 'protocol' });
    expect(h.twin.isSafe()).toBe(true);
  });
});
