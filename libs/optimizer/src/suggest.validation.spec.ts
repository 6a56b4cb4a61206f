import { DocumentError } from '@graftlab/validation';
import type { Observation } from './observation.schema';
import type { SearchSpace } from './space.schema';
import type { SuggestRequest } from './suggest.schema';
import {
  parseObservations,
  parseSpace,
  parseSuggestRequest,
  parseSuggestResponse,
} from './suggest.validation';

const space: SearchSpace = {
  parameters: [
    { name: 'dose', type: 'number', min: 5, max: 150, unit: 'kGy' },
    { name: 'basePolymer', type: 'categorical', choices: ['PE', 'PP', 'ETFE'] },
  ],
  objective: {
    targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100 }],
    costs: [{ parameter: 'dose', weight: 0.1 }],
  },
};
const ok: Observation = {
  params: { dose: 30, basePolymer: 'PE' },
  outputs: { degreeOfGrafting: 97.3 },
  uncertainty: { degreeOfGrafting: 4.9 },
  status: 'completed',
};

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof DocumentError) return e.problems.map((p) => `${p.pointer}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a DocumentError');
}

describe('search space validation', () => {
  it('accepts the contract example', () => {
    expect(parseSpace(space)).toEqual(space);
  });

  it.each([
    [
      { ...space, parameters: [space.parameters[0], { name: 'x', type: 'number', min: 3, max: 1 }] },
      '/parameters/1/max: max 1 must be greater than min 3',
    ],
    [
      { ...space, parameters: [...space.parameters, space.parameters[0]] },
      '/parameters/2/name: duplicate parameter "dose"',
    ],
    [
      { ...space, objective: { targets: [{ name: 'dg', mode: 'match' }] } },
      '/objective/targets/0/value: a "match" target needs a value',
    ],
    [
      { ...space, objective: { ...space.objective, costs: [{ parameter: 'basePolymer', weight: 1 }] } },
      '/objective/costs/0/parameter: cost on "basePolymer", which is not a numeric parameter',
    ],
    [
      { ...space, objective: { ...space.objective, costs: [{ parameter: 'storage', weight: 1 }] } },
      '/objective/costs/0/parameter: unknown parameter "storage"',
    ],
  ])('locates a problem by pointer (%#)', (raw, expected) => {
    expect(problemsOf(() => parseSpace(raw))).toContain(expected);
  });

  it('reports schema problems with their pointer', () => {
    const problems = problemsOf(() =>
      parseSpace({ ...space, parameters: [{ name: 'dose', type: 'number', min: 'low', max: 5 }] }),
    );
    expect(problems.some((p) => p.startsWith('/parameters/0/min: '))).toBe(true);
    expect(problemsOf(() => parseSpace({ ...space, extra: 1 }))).toContain(
      '/extra: unknown property "extra"',
    );
  });
});

describe('observations validation', () => {
  it('accepts completed, failed and pending observations', () => {
    const observations = [
      ok,
      { params: { dose: 140, basePolymer: 'ETFE' }, status: 'failed', reason: 'ruptured' },
      { params: { dose: 50, basePolymer: 'PP' }, status: 'pending' },
    ];
    expect(parseObservations(observations, space)).toHaveLength(3);
  });

  it.each([
    [
      { ...ok, params: { dose: 200, basePolymer: 'PE' } },
      '/0/params/dose: 200 is outside the space [5, 150]',
    ],
    [
      { ...ok, params: { dose: 30, basePolymer: 'PVDF' } },
      '/0/params/basePolymer: "PVDF" is not one of PE, PP, ETFE',
    ],
    [{ ...ok, params: { dose: 30, basePolymer: 'PE', time: 2 } }, '/0/params/time: unknown parameter "time"'],
    [{ ...ok, params: { basePolymer: 'PE' } }, '/0/params/dose: missing parameter "dose"'],
    [{ ...ok, params: { dose: '30', basePolymer: 'PE' } }, '/0/params/dose: expected a number, found "30"'],
    [{ params: ok.params, status: 'completed' }, '/0/outputs: a completed observation needs outputs'],
    [
      { ...ok, outputs: { iec: 1 } },
      '/0/outputs: missing output "degreeOfGrafting" for a completed observation',
    ],
    [
      { params: ok.params, outputs: { degreeOfGrafting: 3 }, status: 'failed' },
      '/0/outputs: a failed observation has no outputs',
    ],
  ])('locates a bad observation by pointer (%#)', (observation, expected) => {
    expect(problemsOf(() => parseObservations([observation], space))).toContain(expected);
  });

  it('prefixes pointers inside a whole request', () => {
    const request = {
      space,
      observations: [ok, ok, ok, { ...ok, params: { dose: 1, basePolymer: 'PE' } }],
      batchSize: 2,
      groupBy: ['dose', 'nope'],
    };
    const problems = problemsOf(() => parseSuggestRequest(request));
    expect(problems).toContain('/observations/3/params/dose: 1 is outside the space [5, 150]');
    expect(problems).toContain('/groupBy/1: unknown parameter "nope"');
    expect(
      problemsOf(() => parseSuggestRequest({ ...request, space: { ...space, parameters: [] } })),
    ).toEqual([expect.stringMatching(/^\/space\/parameters: /)]);
  });
});

describe('reply validation', () => {
  const request: SuggestRequest = { space, observations: [], batchSize: 2, groupBy: ['dose'] };

  it('accepts a reply inside the space and fills in provenance', () => {
    const reply = parseSuggestResponse(
      {
        candidates: [
          { params: { dose: 10, basePolymer: 'PE' } },
          { params: { dose: 10, basePolymer: 'PP' } },
        ],
      },
      request,
    );
    expect(reply.strategy).toBe('external');
    expect(reply.candidates).toHaveLength(2);
  });

  it('refuses candidates outside the space, a short batch, and a broken grouping', () => {
    expect(
      problemsOf(() =>
        parseSuggestResponse(
          {
            candidates: [
              { params: { dose: 10, basePolymer: 'PE' } },
              { params: { dose: 500, basePolymer: 'PE' } },
            ],
          },
          request,
        ),
      ),
    ).toEqual([
      '/candidates/1/params/dose: 500 is outside the space [5, 150]',
      '/candidates/1/params/dose: must equal 10 (grouped)',
    ]);
    expect(
      problemsOf(() =>
        parseSuggestResponse({ candidates: [{ params: { dose: 10, basePolymer: 'PE' } }] }, request),
      ),
    ).toEqual(['/candidates: expected 2 candidates, found 1']);
  });
});
