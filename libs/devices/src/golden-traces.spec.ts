import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaledClock } from '@graftlab/clock';
import {
  captureGoldenTrace,
  GOLDEN_SCENARIOS,
  startReplayPeer,
  startTwin,
  type GoldenTrace,
} from '@graftlab/device-testing';

const DIR = join(__dirname, '../test-vectors');
const file = (driver: string) => join(DIR, `${driver}.trace.json`);
// GRAFTLAB_RECORD_TRACES=1 re-captures the traces against the twins (then review the diff and check them in).
const RECORD = process.env.GRAFTLAB_RECORD_TRACES === '1';

describe.each(GOLDEN_SCENARIOS)('golden trace $driver', (scenario) => {
  if (RECORD) {
    it('records the exchange with the twin', async () => {
      const h = await startTwin(scenario.deviceId, 'tcp', {
        speed: scenario.speed ?? 100,
        patch: scenario.patch,
        world: scenario.world,
      });
      try {
        await scenario.run(h.device, h.ctx);
      } finally {
        await h.close();
      }
      const trace = captureGoldenTrace(
        { driver: scenario.driver, deviceId: scenario.deviceId, scenario: scenario.description },
        h.twin.trace.entries(),
      );
      writeFileSync(file(scenario.driver), JSON.stringify(trace, null, 2) + '\n');
    });
  }

  it('the driver writes exactly the recorded host bytes when fed the recorded device bytes', async () => {
    const trace = JSON.parse(readFileSync(file(scenario.driver), 'utf8')) as GoldenTrace;
    expect(trace.steps.length).toBeGreaterThan(4);
    const peer = await startReplayPeer(trace);
    try {
      const h = await startTwin(scenario.deviceId, 'tcp', { patch: scenario.patch });
      await h.close(); // only its inventory entry is needed: the peer plays the device
      const device = { ...h.device, transport: `tcp://127.0.0.1:${peer.port}` };
      await scenario.run(device, { clock: new ScaledClock(100), labId: 'replay' });
      expect(peer.result()).toEqual({ mismatches: [], remaining: 0 });
    } finally {
      await peer.close();
    }
  });
});

describe('golden trace replay', () => {
  it('catches a driver that writes different bytes than the recording', async () => {
    const trace = JSON.parse(readFileSync(file('alicat'), 'utf8')) as GoldenTrace;
    const i = trace.steps.findIndex((s) => Buffer.from(s.hex, 'hex').toString('latin1') === 'AS 10.00\r');
    expect(i).toBeGreaterThan(0);
    const altered: GoldenTrace = {
      ...trace,
      steps: trace.steps.map((s, j) =>
        j === i ? { ...s, hex: Buffer.from('AS 10.01\r').toString('hex') } : s,
      ),
    };
    const peer = await startReplayPeer(altered);
    try {
      const scenario = GOLDEN_SCENARIOS.find((s) => s.driver === 'alicat')!;
      const h = await startTwin(scenario.deviceId, 'tcp');
      await h.close();
      await scenario.run(
        { ...h.device, transport: `tcp://127.0.0.1:${peer.port}` },
        { clock: new ScaledClock(100), labId: 'replay' },
      );
      expect(peer.result().mismatches).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });
});
