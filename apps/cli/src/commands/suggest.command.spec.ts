import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  encodingOf,
  normalizedDistance,
  parseSpace,
  paramsProblems,
  toPoint,
  MIN_DISTANCE,
} from '@graftlab/optimizer';
import { EXIT, memoryOutput } from '../cli-output';
import { buildProgram } from '../main';
import { suggestCommand } from './suggest.command';

const examples = path.resolve(__dirname, '../../../../protocols/examples');
const spaceFile = path.join(examples, 'space.example.json');
const observationsFile = path.join(examples, 'observations.example.json');

describe('graftlab suggest', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'graftlab-suggest-'));
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('is registered with the CLI', () => {
    expect(buildProgram().commands.map((c) => c.name())).toContain('suggest');
  });

  it('proposes a batch inside the space from the example files, away from the pending run, reproducibly', async () => {
    const out = memoryOutput();
    const code = await suggestCommand(
      { space: spaceFile, observations: observationsFile, batch: '4', seed: '7' },
      out,
    );
    expect(out.stderr).toEqual([]);
    expect(code).toBe(EXIT.ok);
    expect(out.stdout).toHaveLength(1);
    const reply = JSON.parse(out.stdout[0]) as { candidates: { params: Record<string, number | string> }[] };
    expect(reply.candidates).toHaveLength(4);
    const space = parseSpace(JSON.parse(readFileSync(spaceFile, 'utf8')));
    const enc = encodingOf(space);
    const observations = JSON.parse(readFileSync(observationsFile, 'utf8')) as {
      params: Record<string, number | string>;
      status: string;
    }[];
    const pending = observations.filter((o) => o.status === 'pending').map((o) => toPoint(enc, o.params));
    expect(pending.length).toBeGreaterThan(0);
    for (const c of reply.candidates) {
      expect(paramsProblems(space, c.params, [])).toEqual([]);
      for (const p of pending)
        expect(normalizedDistance(enc, toPoint(enc, c.params), p)).toBeGreaterThan(MIN_DISTANCE);
    }
    const again = memoryOutput();
    await suggestCommand({ space: spaceFile, observations: observationsFile, batch: '4', seed: '7' }, again);
    expect(again.stdout).toEqual(out.stdout);
  });

  it('groups the batch on request', async () => {
    const out = memoryOutput();
    await suggestCommand(
      { space: spaceFile, observations: observationsFile, batch: '3', seed: '1', groupBy: 'dose' },
      out,
    );
    const reply = JSON.parse(out.stdout[0]) as { candidates: { params: { dose: number } }[] };
    expect(new Set(reply.candidates.map((c) => c.params.dose)).size).toBe(1);
  });

  it('works without observations (a space-filling first batch)', async () => {
    const out = memoryOutput();
    expect(await suggestCommand({ space: spaceFile, batch: 2 }, out)).toBe(EXIT.ok);
    expect(JSON.parse(out.stdout[0])).toMatchObject({ strategy: 'space-filling' });
  });

  it('locates problems in a bad space file as <file>: <pointer>: <message>', async () => {
    const bad = write('space.json', {
      parameters: [
        { name: 'dose', type: 'number', min: 5, max: 50 },
        { name: 'temperature', type: 'number', min: 60, max: 25 },
      ],
      objective: { targets: [{ name: 'degreeOfGrafting', mode: 'max' }] },
    });
    const out = memoryOutput();
    expect(await suggestCommand({ space: bad, batch: '2' }, out)).toBe(EXIT.invalid);
    expect(out.stderr).toEqual([`${bad}: /parameters/1/max: max 25 must be greater than min 60`]);
    expect(out.stdout).toEqual([]);
  });

  it('locates problems in a bad observations file', async () => {
    const observations = JSON.parse(readFileSync(observationsFile, 'utf8')) as { params: { dose: number } }[];
    observations[3].params.dose = 500;
    const bad = write('observations.json', observations);
    const out = memoryOutput();
    expect(await suggestCommand({ space: spaceFile, observations: bad, batch: '2' }, out)).toBe(EXIT.invalid);
    expect(out.stderr).toEqual([`${bad}: /3/params/dose: 500 is outside the space [5, 50]`]);
  });

  it('refuses malformed JSON and missing files with exit 1', async () => {
    const out = memoryOutput();
    expect(await suggestCommand({ space: write('broken.json', '{"parameters": ['), batch: '2' }, out)).toBe(
      EXIT.invalid,
    );
    expect(out.stderr[0]).toMatch(/broken\.json: \/: malformed JSON/);
    expect(await suggestCommand({ space: path.join(dir, 'nope.json'), batch: '2' }, out)).toBe(EXIT.invalid);
    expect(out.stderr[1]).toMatch(/nope\.json: cannot read/);
  });

  it.each([
    [{ batch: '0' }, /--batch/],
    [{ batch: 'four' }, /--batch/],
    [{ batch: '2', seed: '1.5' }, /--seed/],
    [{ batch: '2', strategy: 'genetic' }, /--strategy/],
    [{ batch: '2', groupBy: 'storage' }, /--group-by .*storage/],
  ])('refuses wrong usage with exit 2 (%#)', async (args, message) => {
    const out = memoryOutput();
    expect(await suggestCommand({ space: spaceFile, ...args }, out)).toBe(EXIT.usage);
    expect(out.stderr.join('\n')).toMatch(message);
  });
});
