import { isDeviceError } from '../../capabilities/device-error';
import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import { Ne1000Pump } from './ne1000.driver';

const cmd = (n: number) => ({ commandId: `c${n}` });

describe.each<Via>(['pty', 'tcp'])('Ne1000Pump basic mode over %s', (via) => {
  let h: Harness;
  let pump: Ne1000Pump;

  beforeEach(async () => {
    h = await startTwin('pump-1', via, { speed: 600 });
    pump = new Ne1000Pump(h.device, h.ctx);
  });
  afterEach(async () => {
    await pump.close();
    await h.close();
  });

  it('acknowledges the power-on alarm, resends, and speaks the reference wire examples', async () => {
    const alarms: string[] = [];
    pump.onEvent((e) => e.type === 'alarm' && alarms.push(e.code));
    await pump.connect();
    expect(alarms).toEqual(['A?R']);
    expect(h.wire('host').slice(0, 2)).toEqual(['0VER\r', '0VER\r']);
    expect(h.wire('device').slice(0, 2)).toEqual(['\x0200A?R\x03', '\x0200SNE1000V3.928\x03']);
    expect(await pump.identify()).toBe('NE1000V3.928');

    const { deliveredMl } = await pump.dispense({ ...cmd(1), volumeMl: 2.5, rateMlPerMin: 10 });
    expect(deliveredMl).toBeCloseTo(2.5, 3);
    const host = h.wire('host');
    const device = h.wire('device');
    const replyTo = (req: string) => device[host.indexOf(req)];
    expect(replyTo('0DIA 26.59\r')).toBe('\x0200S\x03');
    expect(replyTo('0RAT 10.00 MM\r')).toBe('\x0200S\x03');
    expect(replyTo('0RUN\r')).toBe('\x0200I\x03');
    expect(device).toContain('\x0200SI2.500W0.000ML\x03');
    expect(host.filter((x) => x === '0\r').length).toBeGreaterThan(1); // polled until S
    expect(h.twin.counters().dispensedMl).toBeCloseTo(2.5, 6);
    expect(await pump.counters()).toEqual({ infusedMl: 2.5, withdrawnMl: 0 });
    expect((await pump.status()).state).toBe('ok');
  });

  it('reports a stall as DeviceError device A?S and leaves the pump stopped', async () => {
    await pump.connect();
    h.twin.faults.inject({ kind: 'stall' }, { once: true });
    const err = await pump.dispense({ ...cmd(2), volumeMl: 2, rateMlPerMin: 10 }).catch((e: unknown) => e);
    expect(isDeviceError(err, 'device') && err.code).toBe('A?S');
    expect(h.twin.isSafe()).toBe(true);
    expect(h.twin.counters().dispensedMl).toBeCloseTo(1, 6); // stalled half way
    expect((await pump.counters()).infusedMl).toBeCloseTo(1, 3);
  });

  it('maps ?OOR to DeviceError device and refuses out-of-limit rates before sending', async () => {
    await pump.connect();
    h.twin.faults.inject({ kind: 'device-error', code: 'OOR' }, { once: true });
    const err = await pump.dispense({ ...cmd(3), volumeMl: 1, rateMlPerMin: 10 }).catch((e: unknown) => e);
    expect(isDeviceError(err, 'device') && err.code).toBe('?OOR');
    const before = h.wire('host').length;
    await expect(pump.dispense({ ...cmd(4), volumeMl: 1, rateMlPerMin: 500 })).rejects.toMatchObject({
      kind: 'refused',
    });
    expect(h.wire('host').length).toBe(before);
    expect(h.twin.isSafe()).toBe(true);
  });

  it('turns garbled and partial replies into protocol and timeout errors, then recovers', async () => {
    await pump.connect();
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(pump.identify()).rejects.toMatchObject({ kind: 'protocol' });
    h.twin.faults.inject({ kind: 'partial' }, { once: true });
    await expect(pump.identify({ timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' });
    h.twin.faults.inject({ kind: 'no-reply' }, { once: true });
    await expect(pump.identify({ timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(await pump.identify()).toBe('NE1000V3.928');
  });

  it('fails a dispense whose replies stop, and leaves the pump stopped once the line answers again', async () => {
    await pump.connect();
    const running = pump.dispense({ ...cmd(5), volumeMl: 5, rateMlPerMin: 10 }, { timeoutMs: 150 });
    await new Promise((r) => setTimeout(r, 60));
    h.twin.faults.inject({ kind: 'no-reply' });
    setTimeout(() => h.twin.faults.clear('no-reply'), 400);
    await expect(running).rejects.toMatchObject({ kind: 'timeout' });
    await pump.safeState();
    expect(h.twin.isSafe()).toBe(true);
    expect(h.twin.state()).toMatchObject({ running: false });
  });

  it('honours an AbortSignal while polling', async () => {
    await pump.connect();
    const ac = new AbortController();
    const running = pump.dispense({ ...cmd(6), volumeMl: 50, rateMlPerMin: 10 }, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('operator abort')), 80);
    await expect(running).rejects.toThrow('operator abort');
    await pump.safeState();
    expect(h.twin.isSafe()).toBe(true);
  });
});

describe.each<Via>(['pty', 'tcp'])('Ne1000Pump safe mode over %s', (via) => {
  let h: Harness;
  let pump: Ne1000Pump;

  beforeEach(async () => {
    h = await startTwin('pump-2', via, { speed: 100 });
    pump = new Ne1000Pump(h.device, h.ctx);
  });
  afterEach(async () => {
    await pump.close();
    await h.close();
  });

  it('frames every packet with length and CRC, byte for byte', async () => {
    await pump.connect();
    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
    // The unsolicited power-on alarm goes out first, then the alarm answer to SAF, then the resent SAF.
    expect(hex(h.wire('device')[0])).toBe('02093030413f52658603'); // 00A?R, unsolicited
    await pump.dispense({ commandId: 's1', volumeMl: 0.5, rateMlPerMin: 10 });
    const host = h.wire('host').map(hex);
    const device = h.wire('device').map(hex);
    expect(host).toContain('02083052554e440703'); // 0RUN
    expect(device).toContain('0207303049' + '19dd03'); // 00I
    expect(h.twin.counters().dispensedMl).toBeCloseTo(0.5, 6);
  });

  it('reports a garbled (bad CRC) answer as a protocol error', async () => {
    await pump.connect();
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(pump.identify()).rejects.toMatchObject({ kind: 'protocol' });
    expect(await pump.identify()).toBe('NE1000V3.928');
  });
});

describe('Ne1000Pump connection loss over tcp', () => {
  let h: Harness;
  let pump: Ne1000Pump;

  beforeEach(async () => {
    h = await startTwin('pump-1', 'tcp', { speed: 600 });
    pump = new Ne1000Pump(h.device, h.ctx);
    await pump.connect();
  });
  afterEach(async () => {
    await pump.close();
    await h.close();
  });

  it('reports a dropped connection, reconnects with backoff, and reaches the safe state', async () => {
    const events: string[] = [];
    pump.onEvent((e) => events.push(e.type));
    const running = pump.dispense({ commandId: 'd1', volumeMl: 20, rateMlPerMin: 10 });
    await new Promise((r) => setTimeout(r, 50));
    h.twin.faults.inject({ kind: 'drop-connection' });
    await expect(running).rejects.toMatchObject({ kind: 'disconnected' });
    expect(events).toContain('disconnected');
    await pump.safeState({ timeoutMs: 3000 }); // waits for the reconnect
    expect(events).toContain('connected');
    expect(h.twin.isSafe()).toBe(true);
  });

  it('an unplugged line fails fast with disconnected and comes back when plugged in', async () => {
    h.twin.faults.inject({ kind: 'unplug' });
    await expect(pump.identify({ timeoutMs: 300 })).rejects.toMatchObject({ kind: 'disconnected' });
    h.twin.faults.clear('unplug');
    await pump.safeState({ timeoutMs: 5000 });
    expect(h.twin.isSafe()).toBe(true);
  });

  it('replaces the TCP connection after a timeout (a late reply cannot come on the new one), and recovers', async () => {
    const events: string[] = [];
    pump.onEvent((e) => events.push(e.type));
    h.twin.faults.inject({ kind: 'no-reply' });
    await expect(pump.identify({ timeoutMs: 100 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(events).toContain('disconnected');
    // While the line reconnects, or once it has, a silent pump still answers nothing: never a stale reply.
    for (let i = 0; i < 2; i++) {
      const e = (await pump.identify({ timeoutMs: 100 }).catch((x: unknown) => x)) as { kind?: string };
      expect(['timeout', 'disconnected']).toContain(e.kind);
    }
    h.twin.faults.clear('no-reply');
    expect(await pump.identify({ timeoutMs: 3000 })).toBe('NE1000V3.928');
    expect(events).toContain('connected');
  });

  it('answers slowly but within the timeout', async () => {
    h.twin.faults.inject({ kind: 'slow', delayMs: 100 }, { once: true });
    expect(await pump.identify({ timeoutMs: 1000 })).toBe('NE1000V3.928');
    h.twin.faults.inject({ kind: 'slow', delayMs: 300 }, { once: true });
    await expect(pump.identify({ timeoutMs: 100 })).rejects.toMatchObject({ kind: 'timeout' });
  });
});
