import { join } from 'node:path';
import { Command } from 'commander';
import { memoryOutput } from '../cli-output';
import { planFile, registerPlanCommand } from './plan.command';

const ROOT = join(__dirname, '..', '..', '..', '..');
const INVENTORY = join(ROOT, 'devices', 'virtual-lab.json');
const GMA = join(ROOT, 'protocols', 'pe-gma-emulsion.json');

async function planJson(
  params: string[] = [],
  date = '2026-10-01',
): Promise<{ hash: string; totalDurationS: number }> {
  const out = memoryOutput();
  expect(await planFile(GMA, { params, inventory: INVENTORY, json: true, date }, out)).toBe(0);
  return JSON.parse(out.stdout.join('\n')) as { hash: string; totalDurationS: number };
}

describe('graftlab plan', () => {
  it('prints a readable timeline', async () => {
    const out = memoryOutput();
    expect(await planFile(GMA, { inventory: INVENTORY, date: '2026-10-01' }, out)).toBe(0);
    const text = out.stdout.join('\n');
    expect(text).toMatch(/irradiate\s+irradiate\s+irradiator\s+.*dose=30 kGy.*→ 30 kGy at 11\.2\d* kGy\/h/);
    expect(text).toMatch(/heat\s+heat\s+temperature-controller\s+.*setpoint=40 °C/);
    expect(text).toMatch(/dose per sample 30 kGy/);
    expect(text).toMatch(/total estimated duration \d+:\d\d:\d\d/);
    expect(text).toMatch(/irradiate\.end → store-cold\.start ≤ 0:30:00/);
    expect(text).toMatch(/consumables: monomer-solution 50 mL/);
  });

  it('gives the same hash for the same inputs and a different one when any changes', async () => {
    const a = await planJson(['dose=30']);
    expect((await planJson(['dose=30'])).hash).toBe(a.hash);
    expect((await planJson(['dose=31'])).hash).not.toBe(a.hash);
    expect((await planJson(['dose=30'], '2026-10-02')).hash).not.toBe(a.hash);
    expect((await planJson(['graftTime=3'])).hash).not.toBe(a.hash);
  });

  it('refuses bad parameters with exit 1 and pointers', async () => {
    const out = memoryOutput();
    expect(await planFile(GMA, { params: ['dose=500', 'colour=red'], inventory: INVENTORY }, out)).toBe(1);
    expect(out.stderr).toEqual([
      `${GMA}: /parameters/colour: unknown parameter "colour"; declared: dose, graftTemperature, graftTime, monomerConcentration`,
      `${GMA}: /parameters/dose: 500 kGy is outside the declared range 5..50 kGy`,
    ]);
  });

  it('refuses malformed --param and --date as usage errors (exit 2)', async () => {
    const out = memoryOutput();
    expect(await planFile(GMA, { params: ['dose'], inventory: INVENTORY }, out)).toBe(2);
    expect(await planFile(GMA, { date: 'yesterday', inventory: INVENTORY }, out)).toBe(2);
  });

  it('registers repeatable --param with commander', async () => {
    const program = new Command().exitOverride();
    registerPlanCommand(program);
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    plan.action(() => undefined);
    await program.parseAsync([
      'node',
      'graftlab',
      'plan',
      GMA,
      '--param',
      'dose=20',
      '--param',
      'graftTime=1',
      '--json',
    ]);
    expect(plan.opts()).toEqual(expect.objectContaining({ param: ['dose=20', 'graftTime=1'], json: true }));
  });
});
