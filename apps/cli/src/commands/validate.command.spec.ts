import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryOutput } from '../cli-output';
import { validateFiles } from './validate.command';

const ROOT = join(__dirname, '..', '..', '..', '..');
const INVENTORY = join(ROOT, 'devices', 'virtual-lab.json');
const EXAMPLES = ['pe-gma-emulsion', 'etfe-styrene-pem', 'etfe-vbc-aem', 'ptfe-styrene-simultaneous'].map(
  (n) => join(ROOT, 'protocols', `${n}.json`),
);
const dir = mkdtempSync(join(tmpdir(), 'graftlab-validate-'));
const gma = () =>
  JSON.parse(readFileSync(EXAMPLES[0], 'utf8')) as { steps: Record<string, unknown>[] } & Record<
    string,
    unknown
  >;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
function mutated(name: string, edit: (doc: ReturnType<typeof gma>) => void): string {
  const doc = gma();
  edit(doc);
  return file(name, JSON.stringify(doc));
}

describe('graftlab validate', () => {
  it('exits 0 when every example is valid', async () => {
    const out = memoryOutput();
    expect(await validateFiles(EXAMPLES, INVENTORY, out)).toBe(0);
    expect(out.stderr).toEqual([]);
    expect(out.stdout).toHaveLength(4);
  });

  it.each([
    ['malformed.json', () => file('malformed.json', '{"id": '), '/', /malformed JSON/],
    ['empty.json', () => file('empty.json', ''), '/', /empty/],
    [
      'wrong-type.json',
      () => mutated('wrong-type.json', (d) => (d.sampleCount = 'two')),
      '/sampleCount',
      /expected number/,
    ],
    [
      'unknown-step.json',
      () => mutated('unknown-step.json', (d) => (d.steps[3].type = 'teleport')),
      '/steps/3/type',
      /unknown step type/,
    ],
    [
      'unknown-location.json',
      () => mutated('unknown-location.json', (d) => (d.steps[1].to = 'shelf-9')),
      '/steps/1/to',
      /unknown location "shelf-9"/,
    ],
    [
      'unknown-position.json',
      () => mutated('unknown-position.json', (d) => (d.steps[5].position = 'irradiator-2/p1')),
      '/steps/5/position',
      /unknown irradiation position/,
    ],
    [
      'wrong-dimension.json',
      () => mutated('wrong-dimension.json', (d) => (d.steps[5].dose = '30 mL')),
      '/steps/5/dose',
      /expected a dose/,
    ],
    [
      'negative-dose.json',
      () => mutated('negative-dose.json', (d) => (d.steps[5].dose = '-30 kGy')),
      '/steps/5/dose',
      /more than 0 kGy/,
    ],
    [
      'out-of-range.json',
      () => mutated('out-of-range.json', (d) => (d.steps[12].setpoint = '500 °C')),
      '/steps/12/setpoint',
      /at most 400 °C/,
    ],
    [
      'unknown-name.json',
      () => mutated('unknown-name.json', (d) => (d.steps[5].dose = '${dosis} * 2')),
      '/steps/5/dose',
      /unknown value "dosis"/,
    ],
    [
      'div-zero.json',
      () => mutated('div-zero.json', (d) => (d.steps[5].dose = '${dose} / (1 - 1)')),
      '/steps/5/dose',
      /division by zero/,
    ],
    [
      'internals.json',
      () => mutated('internals.json', (d) => (d.steps[5].dose = 'constructor')),
      '/steps/5/dose',
      /reserved/,
    ],
    ['proto.json', () => file('proto.json', '{"__proto__": {"admin": true}}'), '/__proto__', /not allowed/],
    [
      'cycle.json',
      () =>
        mutated('cycle.json', (d) => (d.timeWindows = [{ from: 'graft.end', to: 'heat.start', max: '1 h' }])),
      '/timeWindows/0',
      /cycle/,
    ],
    [
      'nesting.json',
      () => file('nesting.json', '['.repeat(10000) + ']'.repeat(10000)),
      '/0/0',
      /nesting deeper/,
    ],
    [
      'huge.json',
      () => file('huge.json', JSON.stringify({ pad: 'x'.repeat(1100 * 1024) })),
      '/',
      /over the limit/,
    ],
    ['missing.json', () => join(dir, 'does-not-exist.json'), '/', /cannot read .*ENOENT/],
    [
      'unsafe.json',
      () => mutated('unsafe.json', (d) => d.steps.splice(4, 1)),
      '/steps/4/atmosphere',
      /needs a completed purge/,
    ],
  ])(
    'refuses %s with exit 1 and "<file>: <pointer>: <message>" lines',
    async (_name, make, pointer, message) => {
      const path = make();
      const out = memoryOutput();
      expect(await validateFiles([path], INVENTORY, out)).toBe(1);
      expect(out.stderr.length).toBeGreaterThan(0);
      const prefix = `${path}: ${pointer}`;
      const hit = out.stderr.find((l) => l.startsWith(prefix) && message.test(l));
      if (!hit)
        throw new Error(`expected a line "${prefix}...: ${message}", got ${JSON.stringify(out.stderr)}`);
      for (const line of out.stderr)
        expect(line).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: /\\S*: .+`));
    },
  );

  it('exits 1 if any one of several files is invalid, and reports the valid ones too', async () => {
    const out = memoryOutput();
    const bad = file('bad-among-good.json', '{');
    expect(await validateFiles([EXAMPLES[0], bad, EXAMPLES[1]], INVENTORY, out)).toBe(1);
    expect(out.stdout).toEqual([`${EXAMPLES[0]}: valid`, `${EXAMPLES[1]}: valid`]);
  });

  it('refuses an unreadable inventory', async () => {
    const out = memoryOutput();
    expect(await validateFiles(EXAMPLES, join(dir, 'no-inventory.json'), out)).toBe(1);
    expect(out.stderr[0]).toMatch(/no-inventory\.json: \/: cannot read inventory/);
  });
});
