import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import { JULABO_OUT_GAP_MS, JulaboCirculator } from './julabo.driver';

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
    // The spacing the driver keeps, timed where it is kept: from the end of one exchange to the start of the next
    // (the twin's receive times also carry its own event-loop delays, which a loaded machine makes visible).
    const spans: { start: number; end: number; out: boolean }[] = [];
    const driver = bath as unknown as {
      sent: (send: () => Promise<unknown>, out: boolean) => Promise<unknown>;
    };
    const sent = driver.sent.bind(bath);
    driver.sent = async (send, out) => {
      const span = { start: performance.now(), end: 0, out };
      try {
        return await sent(send, out);
      } finally {
        span.end = performance.now();
        spans.push(span);
      }
    };
    await bath.setSetpoint(55.5);
    await bath.start();
    expect(spans.filter((x) => x.out).length).toBeGreaterThanOrEqual(2);
    for (let k = 1; k < spans.length; k++)
      if (spans[k].out || spans[k - 1].out)
        expect(spans[k].start - spans[k - 1].end).toBeGreaterThanOrEqual(JULABO_OUT_GAP_MS - 1);
    const host = h.wire('host');
    expect(host).toContain('out_sp_00 55.50\r');
    expect(host).toContain('out_mode_05 1\r');
    expect(h.wire('device')).toContain('55.50\r\n');
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
