import { isDeviceError } from '../../capabilities/device-error';
import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import { CavroPump } from './cavro.driver';

const sync = (s: string) => `\xff/0${s}\x03\r\n`;

describe.each<Via>(['pty', 'tcp'])('CavroPump over %s', (via) => {
  let h: Harness;
  let pump: CavroPump;

  beforeEach(async () => {
    // Address switch 0 is DT address '1', as in the reference examples.
    h = await startTwin('pump-3', via, { speed: 20, patch: { address: 0 } });
    pump = new CavroPump(h.device, h.ctx);
  });
  afterEach(async () => {
    await pump.close();
    await h.close();
  });

  it('initializes on connect and speaks the reference DT examples', async () => {
    await pump.connect();
    const host = h.wire('host');
    const device = h.wire('device');
    expect(host[0]).toBe('/1ZR\r');
    expect(device[0]).toBe(sync('`'));
    expect(device).toContain(sync('@')); // busy while initializing
    expect(host).toContain('/1?23\r');
    expect(await pump.identify()).toMatch(/XCALIBUR/);

    const { deliveredMl } = await pump.dispense({ commandId: 'c1', volumeMl: 5, rateMlPerMin: 20 });
    expect(deliveredMl).toBeCloseTo(5, 6);
    expect(h.wire('host')).toContain('/1IV3000A600R\r'); // 5 mL of a 25 mL syringe = 600 increments
    expect(h.wire('host')).toContain('/1OV40D600R\r'); // 20 mL/min = 40 increments/s
    expect(h.twin.counters().dispensedMl).toBeCloseTo(5, 6);
    expect((await pump.counters()).infusedMl).toBeCloseTo(5, 6);
    expect((await pump.status()).detail).toMatchObject({ plunger: 0, ready: true });
  });

  it('reports a plunger overload (stall) by its status code and leaves the pump idle', async () => {
    await pump.connect();
    h.twin.faults.inject({ kind: 'stall' }, { once: true });
    const err = await pump
      .dispense({ commandId: 'c2', volumeMl: 5, rateMlPerMin: 20 })
      .catch((e: unknown) => e);
    expect(isDeviceError(err, 'device') && err.code).toBe('i'); // error 9, ready form
    expect(h.twin.isSafe()).toBe(true);
    expect(h.twin.state()).toMatchObject({ initialized: false });
  });

  it('reports a device error code and garbled status bytes', async () => {
    await pump.connect();
    h.twin.faults.inject({ kind: 'device-error', code: '7' }, { once: true });
    await expect(pump.identify()).rejects.toMatchObject({ kind: 'device', code: 'g' });
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(pump.identify()).rejects.toMatchObject({ kind: 'protocol' });
    h.twin.faults.inject({ kind: 'partial' }, { once: true });
    await expect(pump.identify({ timeoutMs: 150 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(await pump.identify()).toMatch(/XCALIBUR/);
  });

  it('terminates a running move as its safe state', async () => {
    await pump.connect();
    const running = pump.dispense({ commandId: 'c3', volumeMl: 20, rateMlPerMin: 2 });
    await new Promise((r) => setTimeout(r, 100));
    await pump.safeState();
    await expect(running).rejects.toBeDefined();
    expect(h.twin.isSafe()).toBe(true);
  });
});
