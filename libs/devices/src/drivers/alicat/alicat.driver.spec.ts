import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import { AlicatFlowController } from './alicat.driver';

describe.each<Via>(['pty', 'tcp'])('AlicatFlowController over %s', (via) => {
  let h: Harness;
  let mfc: AlicatFlowController;

  beforeEach(async () => {
    h = await startTwin('mfc-1', via, { speed: 100 });
    mfc = new AlicatFlowController(h.device, h.ctx);
    await mfc.connect();
  });
  afterEach(async () => {
    await mfc.close();
    await h.close();
  });

  it('speaks the reference frames and verifies the setpoint in the answer', async () => {
    expect(h.wire('host')[0]).toBe('AVE\r');
    expect(await mfc.identify()).toBe('10v05.0-R22 Nov 30 2018,16:04:20');
    expect(await mfc.readFlow()).toEqual({ flowSccm: 0, setpointSccm: 0 });
    expect(h.wire('device')).toContain('A +014.70 +025.00 +00.000 +00.000 +00.000 N2\r');
    await mfc.setFlow(2);
    expect(h.wire('host')).toContain('AS 2.00\r');
    expect((await mfc.readFlow()).setpointSccm).toBe(2);
    expect(h.world.gasFlow('mfc-1')).toBeGreaterThanOrEqual(0);
    await mfc.safeState();
    expect(h.twin.state()).toMatchObject({ setpointSccm: 50 });
    expect(h.twin.isSafe()).toBe(true);
  });

  it('a held valve keeps the old setpoint: DeviceError device HLD, then the safe flow', async () => {
    h.twin.faults.inject({ kind: 'device-error' }, { once: true });
    await expect(mfc.setFlow(200)).rejects.toMatchObject({ kind: 'device', code: 'HLD' });
    expect(h.twin.isSafe()).toBe(true);
  });

  it('garbled and missing frames end in protocol and timeout errors', async () => {
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(mfc.readFlow()).rejects.toMatchObject({ kind: 'protocol' });
    h.twin.faults.inject({ kind: 'no-reply' }, { once: true });
    await expect(mfc.readFlow({ timeoutMs: 100 })).rejects.toMatchObject({ kind: 'timeout' });
    await expect(mfc.setFlow(5000)).rejects.toMatchObject({ kind: 'refused' });
    await mfc.safeState();
    expect(h.twin.isSafe()).toBe(true);
  });
});
