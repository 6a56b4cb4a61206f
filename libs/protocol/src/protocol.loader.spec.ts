import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DocumentError, type Problem } from '@graftlab/validation';
import { parseProtocol } from './protocol.loader';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLES = readdirSync(join(ROOT, 'protocols')).filter((f) => f.endsWith('.json'));
const base = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'protocols', 'pe-gma-emulsion.json'), 'utf8')) as Record<
    string,
    unknown
  >;

/** The problems a document is refused with (fails the test if it is accepted or throws anything else). */
function problemsOf(input: unknown): Problem[] {
  try {
    parseProtocol(input);
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentError);
    return [...(e as DocumentError).problems];
  }
  throw new Error('document was accepted');
}

function withStep(i: number, patch: Record<string, unknown>): Record<string, unknown> {
  const doc = base();
  const steps = doc.steps as Record<string, unknown>[];
  steps[i] = { ...steps[i], ...patch };
  return doc;
}

describe('parseProtocol', () => {
  it('has at least four example protocols', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
  });

  it.each(EXAMPLES)('accepts the example %s', (file) => {
    const p = parseProtocol(readFileSync(join(ROOT, 'protocols', file), 'utf8'));
    expect(p.$schema).toBe('./schema/protocol.schema.json');
    expect(p.steps.length).toBeGreaterThan(5);
  });

  it('accepts a parsed object as well as text, with defaults applied', () => {
    const p = parseProtocol(base());
    expect(p.sampleCount).toBe(1);
    expect(p.safety.requireDoorClosed).toBe(true);
  });

  // Each bad input: the pointer and a fragment of the message it must be refused with.
  const cases: [string, () => unknown, string, RegExp][] = [
    ['malformed JSON', () => '{"schemaVersion": "1.0",', '', /malformed JSON/],
    ['an empty file', () => '', '', /empty/],
    ['whitespace only', () => ' \n ', '', /empty/],
    ['a JSON array', () => '[]', '', /expected a protocol object/],
    ['a JSON string', () => '"protocol"', '', /expected a protocol object/],
    ['a missing title', () => ({ ...base(), title: undefined }), '/title', /required/],
    ['a wrong type', () => ({ ...base(), authors: 'me' }), '/authors', /expected array/],
    [
      'a wrong schema version',
      () => ({ ...base(), schemaVersion: '2.0' }),
      '/schemaVersion',
      /schemaVersion "1.0"/,
    ],
    ['a bad semver', () => ({ ...base(), version: '1.0' }), '/version', /semantic version/],
    ['an unknown property', () => ({ ...base(), colour: 'red' }), '/colour', /unknown property/],
    ['an unknown step type', () => withStep(2, { type: 'teleport' }), '/steps/2/type', /unknown step type/],
    ['an unknown step property', () => withStep(2, { speed: 3 }), '/steps/2/speed', /unknown property/],
    [
      'a dose in mL',
      () => withStep(5, { dose: '30 mL' }),
      '/steps/5/dose',
      /expected a dose .* found a volume \(30 mL\)/,
    ],
    [
      'a dose without unit',
      () => withStep(5, { dose: '30' }),
      '/steps/5/dose',
      /expected a dose .* plain number/,
    ],
    [
      'a dose as a JSON number',
      () => withStep(5, { dose: 30 }),
      '/steps/5/dose',
      /expected a dose as text with a unit/,
    ],
    ['a negative dose', () => withStep(5, { dose: '-5 kGy' }), '/steps/5/dose', /more than 0 kGy/],
    ['an absurd dose', () => withStep(5, { dose: '1e6 kGy' }), '/steps/5/dose', /at most 2000 kGy/],
    [
      'dose and exposure together',
      () => withStep(5, { exposure: '1 h' }),
      '/steps/5',
      /exactly one of "dose" or "exposure"/,
    ],
    [
      'an unknown unit',
      () => withStep(12, { setpoint: '40 bananas' }),
      '/steps/12/setpoint',
      /unknown value "bananas"/,
    ],
    [
      'a temperature in kGy',
      () => withStep(12, { setpoint: '40 kGy' }),
      '/steps/12/setpoint',
      /expected a temperature/,
    ],
    ['a negative volume', () => withStep(10, { volume: '-50 mL' }), '/steps/10/volume', /more than 0 mL/],
    [
      'an expression naming an unknown value',
      () => withStep(5, { dose: '${dosis}' }),
      '/steps/5/dose',
      /unknown value "dosis"/,
    ],
    [
      'an expression dividing by zero',
      () => withStep(5, { dose: '${dose} / 0' }),
      '/steps/5/dose',
      /division by zero/,
    ],
    [
      'an expression with property access',
      () => withStep(5, { dose: '${dose}.constructor' }),
      '/steps/5/dose',
      /not allowed|not a valid/,
    ],
    [
      'an expression reaching constructor',
      () => withStep(5, { dose: 'constructor' }),
      '/steps/5/dose',
      /reserved/,
    ],
    [
      'an expression with a function definition',
      () => withStep(5, { dose: 'f(x) = x' }),
      '/steps/5/dose',
      /not allowed/,
    ],
    ['an expression with this', () => withStep(5, { dose: 'this' }), '/steps/5/dose', /reserved/],
    ['a __proto__ key', () => '{"__proto__": {"polluted": true}}', '/__proto__', /not allowed/],
    [
      'a nested constructor key',
      () => JSON.stringify({ ...base(), materials: { constructor: {} } }),
      '/materials/constructor',
      /not allowed/,
    ],
    ['a duplicate step key', () => withStep(3, { key: 'load' }), '/steps/3/key', /duplicate step key "load"/],
    [
      'a time window to an unknown step',
      () => ({ ...base(), timeWindows: [{ from: 'irradiate.end', to: 'nowhere.start', max: '30 min' }] }),
      '/timeWindows/0/to',
      /no step has the key "nowhere"/,
    ],
    [
      'a time window cycle',
      () => ({
        ...base(),
        timeWindows: [{ from: 'dispense-monomer.end', to: 'irradiate.start', max: '30 min' }],
      }),
      '/timeWindows/0',
      /cycle/,
    ],
    [
      'a time window from an event to itself',
      () => ({ ...base(), timeWindows: [{ from: 'irradiate.end', to: 'irradiate.end', max: '1 min' }] }),
      '/timeWindows/0',
      /cycle/,
    ],
    [
      'a time window without bounds',
      () => ({ ...base(), timeWindows: [{ from: 'irradiate.end', to: 'dispense-monomer.start' }] }),
      '/timeWindows/0',
      /needs "min", "max"/,
    ],
    [
      'an output naming an unrecorded value',
      () => ({ ...base(), outputs: [{ name: 'grafting', expression: '(W_x - W_0) / W_0' }] }),
      '/outputs/0/expression',
      /unknown value "W_x"/,
    ],
    [
      'an output dividing by a function call',
      () => ({ ...base(), outputs: [{ name: 'grafting', expression: 'cos(W_0)' }] }),
      '/outputs/0/expression',
      /not allowed/,
    ],
    [
      'an unknown reagent',
      () => withStep(10, { reagent: 'acid' }),
      '/steps/10/reagent',
      /unknown reagent "acid"/,
    ],
    [
      'a parameter default out of range',
      () => ({
        ...base(),
        parameters: [{ name: 'dose', type: 'number', unit: 'kGy', min: 5, max: 50, default: 80 }],
      }),
      '/parameters/0/default',
      /outside 5..50/,
    ],
    [
      'a parameter with an unknown unit',
      () => ({
        ...base(),
        parameters: [{ name: 'dose', type: 'number', unit: 'furlong', min: 5, max: 50, default: 30 }],
      }),
      '/parameters/0/unit',
      /unknown unit/,
    ],
    [
      'a parameter named like a unit',
      () => ({ ...base(), parameters: [{ name: 'h', type: 'number', min: 0, max: 1, default: 0 }] }),
      '/parameters/0/name',
      /unit symbol/,
    ],
    [
      'a parameter named constructor',
      () => ({
        ...base(),
        parameters: [{ name: 'constructor', type: 'number', min: 0, max: 1, default: 0 }],
      }),
      '/parameters/0/name',
      /not allowed|reserved/,
    ],
    [
      'a choice parameter used as a number',
      () => {
        const d = withStep(5, { dose: '${site}' });
        (d.parameters as unknown[]).push({ name: 'site', type: 'choice', choices: ['a'], default: 'a' });
        return d;
      },
      '/steps/5/dose',
      /is a choice, not a number/,
    ],
    [
      'a huge document',
      () => JSON.stringify({ ...base(), description: 'x'.repeat(1024 * 1024) }),
      '',
      /over the limit/,
    ],
    [
      'absurd nesting',
      () => '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
      '/a' + '/0'.repeat(31),
      /nesting deeper than 32/,
    ],
    [
      'too many steps',
      () => ({
        ...base(),
        steps: Array.from({ length: 501 }, (_, i) => ({ key: `w${i}`, type: 'wait', duration: '1 s' })),
      }),
      '/steps',
      /more than 500 steps/,
    ],
    [
      'too deep parallel blocks',
      () => {
        let inner: Record<string, unknown> = { key: 'w', type: 'wait', duration: '1 s' };
        for (let i = 0; i < 6; i++) inner = { key: `p${i}`, type: 'parallel', steps: [inner] };
        return { ...base(), steps: [inner] };
      },
      '/steps/0/steps/0/steps/0/steps/0/steps/0',
      /nested more than 4 deep/,
    ],
  ];

  it.each(cases)('refuses %s with its JSON pointer', (_name, make, pointer, message) => {
    const problems = problemsOf(make());
    const hit = problems.find((p) => p.pointer === pointer && message.test(p.message));
    if (!hit) throw new Error(`expected ${pointer}: ${message}, got ${JSON.stringify(problems)}`);
  });

  it('reports every problem at once, not just the first', () => {
    const doc = withStep(5, { dose: '30 mL' });
    (doc.steps as Record<string, unknown>[])[12].setpoint = '40 kGy';
    const pointers = problemsOf(doc).map((p) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/steps/5/dose', '/steps/12/setpoint']));
  });

  it('never crashes on random mutations of a valid protocol: valid, or problems with pointers', () => {
    const valid = base();
    const paths: (string | number)[][] = [];
    const collect = (v: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...path, i]));
      else if (v !== null && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) collect(x, [...path, k]);
    };
    collect(valid, []);
    const replacement = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom(
        '30 mL',
        '-1 kGy',
        '${dose} / 0',
        'constructor',
        '__proto__',
        '1e400 kGy',
        '',
        '${x}',
        'irradiate.end',
      ),
      fc.string({ maxLength: 20 }),
      fc.double(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(paths.length - 1), replacement, fc.boolean()), {
          minLength: 1,
          maxLength: 3,
        }),
        (edits) => {
          const doc = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
          for (const [i, value, remove] of edits) {
            const path = paths[i];
            if (path.length === 0) continue;
            let parent: unknown = doc;
            for (const k of path.slice(0, -1))
              parent = (parent as Record<string | number, unknown> | undefined)?.[k];
            if (parent === null || typeof parent !== 'object') continue;
            const last = path[path.length - 1];
            if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[last as string];
            else (parent as Record<string | number, unknown>)[last] = value;
          }
          let text: string;
          try {
            text = JSON.stringify(doc);
          } catch {
            return; // not representable as JSON (e.g. a bigint from fc.anything); nothing to parse
          }
          try {
            parseProtocol(text);
          } catch (e) {
            expect(e).toBeInstanceOf(DocumentError);
            const problems = (e as DocumentError).problems;
            expect(problems.length).toBeGreaterThan(0);
            for (const p of problems) {
              expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
              expect(p.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
