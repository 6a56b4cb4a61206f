import { isDeviceError } from '../../capabilities/device-error';
import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import { MtSicsBalance } from './mt-sics.driver';

describe.each<Via>(['pty', 'tcp'])('MtSicsBalance over %s', (via) => {
  let h: Harness;
  let balance: MtSicsBalance;

  beforeEach(async () => {
    // Readability 10 mg so the reading prints like the reference example; the pan holds exactly 100 g.
    h = await startTwin('balance-1', via, {
      speed: 1000,
      patch: {
        calibration: {
          calibrationId: 't',
          calibratedAt: '2026-09-15',
          repeatabilityMg: 0.05,
          readabilityMg: 10,
        },
      },
      world: (w) => {
        w.massOnBalance = () => 100;
      },
    });
    balance = new MtSicsBalance(h.device, h.ctx);
    await balance.connect();
  });
  afterEach(async () => {
    await balance.close();
    await h.close();
  });

  it('speaks the reference examples: S, Z, T, I4', async () => {
    expect(await balance.identify()).toBe('B207696838');
    expect(h.wire('device')[0]).toBe('I4 A "B207696838"\r\n');
    const r = await balance.weighStable();
    expect(r).toMatchObject({ grams: 100, stable: true });
    expect(h.wire('host')).toContain('S\r\n');
    expect(h.wire('device')).toContain('S S     100.00 g\r\n');
    const masses: number[] = [];
    balance.onEvent((e) => e.type === 'telemetry' && masses.push(e.telemetry.value));
    await balance.zero();
    expect(h.wire('device')).toContain('Z A\r\n');
    expect((await balance.weighImmediate()).grams).toBeCloseTo(0, 6);
    expect(await balance.tare()).toBeCloseTo(0, 6);
    expect(masses).toHaveLength(1);
  });

  it('a balance that never settles answers S I, which is DeviceError device I', async () => {
    h.twin.faults.inject({ kind: 'never-settle' });
    const err = await balance.weighStable().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'device', code: 'I' });
    expect(isDeviceError(err)).toBe(true);
    expect(h.wire('device')).toContain('S I\r\n');
    expect((await balance.weighImmediate()).stable).toBe(false); // SI gives D while settling
    h.twin.faults.clear('never-settle');
    await balance.safeState();
  });

  it('maps ES/EL and overload to device errors, garbage to protocol', async () => {
    h.twin.faults.inject({ kind: 'device-error', code: 'ES' }, { once: true });
    await expect(balance.weighStable()).rejects.toMatchObject({ kind: 'device', code: 'ES' });
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(balance.weighStable()).rejects.toMatchObject({ kind: 'protocol' });
    h.world.massOnBalance = () => 500;
    await expect(balance.weighStable()).rejects.toMatchObject({ kind: 'device', code: '+' });
  });
});
