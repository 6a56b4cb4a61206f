import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '@graftlab/inventory';
import { startVirtualLab, withFreeTcpPorts, type VirtualLab } from '@graftlab/twins';
import { EXIT, memoryOutput } from '../cli-output';
import { runDevicesCheck } from './devices.command';

const inventory = withFreeTcpPorts(loadInventory(join(__dirname, '../../../../devices/virtual-lab.json')));

describe('graftlab devices check against the virtual lab', () => {
  let lab: VirtualLab | undefined;
  let file: string;
  const labId = `t-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    lab = await startVirtualLab({
      inventory,
      mqttUrl: 'mqtt://127.0.0.1:1883',
      clockSpeed: 60,
      seed: 1,
      labId,
    });
    // The inventory as served: the free ports the serial twins actually bound.
    file = join(mkdtempSync(join(tmpdir(), 'graftlab-check-')), 'lab.json');
    writeFileSync(file, JSON.stringify(lab.inventory));
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('prints an ok line with identity and round trip for every device', async () => {
    const out = memoryOutput();
    const code = await runDevicesCheck({ inventory: file, labId }, out);
    expect(out.stdout).toHaveLength(inventory.devices.length);
    for (const line of out.stdout) expect(line).toMatch(/ ok .*\d+\.\d ms$/);
    expect(out.stdout.find((l) => l.startsWith('irradiator-1'))).toContain('GC-FACILITY-SIM');
    expect(code).toBe(EXIT.ok);
    const json = memoryOutput();
    await runDevicesCheck({ inventory: file, labId, json: true }, json);
    const rows = JSON.parse(json.stdout[0]) as { id: string; ok: boolean; rttMs: number }[];
    expect(rows.every((r) => r.ok && r.rttMs >= 0)).toBe(true);
  });

  it('fails within seconds, exit 3, when the twins are stopped', async () => {
    await lab!.stop();
    lab = undefined;
    const out = memoryOutput();
    const t0 = Date.now();
    const code = await runDevicesCheck({ inventory: file, labId }, out);
    expect(code).toBe(EXIT.unreachable);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(out.stdout.filter((l) => / ok /.test(l))).toHaveLength(0);
    expect(out.stdout.find((l) => l.startsWith('robot-1'))).toContain('disconnected');
  });

  it('reports an unreadable inventory as invalid input in one line', async () => {
    const out = memoryOutput();
    expect(await runDevicesCheck({ inventory: '/nonexistent/lab.json' }, out)).toBe(EXIT.invalid);
    expect(out.stderr).toHaveLength(1);
  });
});
