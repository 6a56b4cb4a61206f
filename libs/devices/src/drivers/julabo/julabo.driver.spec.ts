import { startTwin, type Harness, type Via } from '../../testing/twin-harness';
import { JulaboCirculator } from './julabo.driver';

describe.each<Via>(['pty', 'tcp'])('JulaboCirculator over %s (7E1 RTS/CTS)', (via) => {
  let h: Harness;
  let bath: JulaboCirculator;

  beforeEach(async () => {
    h = await startTwin('bath-1', via, { speed: 100 });
    bath = new JulaboCirculator(h.device, h.ctx);
    await bath.connect();
  });
  afterEach(async () => {
    await bath.close();
    await h.close();
  });

  it('sends a throw-away version, sets and verifies by read-back, keeping 250 ms around OUT commands', async () => {
    expect(h.wire('host').slice(0, 2)).toEqual(['version\r', 'version\r']);
    expect(h.wire('device')[0]).toBe('JULABO HIGHTECH FL HL/SL VERSION 4.0\r\n');
    await bath.setSetpoint(55.5);
    await bath.start();
    const host = h.wire('host');
    expect(host).toContain('out_sp_00 55.50\r');
    expect(host).toContain('out_mode_05 1\r');
    expect(h.wire('device')).toContain('55.50\r\n');
    const entries = h.twin.trace.entries().filter((e) => e.dir === 'host');
    const i = entries.findIndex((e) => Buffer.from(e.hex, 'hex').toString() === 'out_sp_00 55.50\r');
    expect(entries[i + 1].t - entries[i].t).toBeGreaterThanOrEqual(245);
    expect(h.twin.state()).toMatchObject({ running: true, setpointC: 55.5 });
    const t = await bath.readTemperature();
    expect(h.wire('device')).toContain(`${t.toFixed(2)}\r\n`);
    await bath.safeState();
    expect(h.twin.isSafe()).toBe(true);
  });

  it('finds the error behind a set that did not take via status, and turns the heater off', async () => {
    await bath.start();
    h.twin.faults.inject({ kind: 'device-error', code: '-08' }, { once: true });
    await expect(bath.setSetpoint(40)).rejects.toMatchObject({ kind: 'device', code: '-08' });
    expect(h.wire('device')).toContain('-08 INVALID COMMAND\r\n');
    expect(h.twin.isSafe()).toBe(true);
  });

  it('refuses setpoints outside the inventory limits without sending', async () => {
    await expect(bath.setSetpoint(150)).rejects.toMatchObject({ kind: 'refused' });
    expect(h.wire('host').some((x) => x.startsWith('out_sp_00'))).toBe(false);
  });
});
