import fc from 'fast-check';
import type { Observation } from './observation.schema';
import { encodingOf, normalizedDistance, toPoint } from './space.encoding';
import type { Params, SearchSpace } from './space.schema';
import { suggest } from './suggest.api';
import { STRATEGIES, type SuggestRequest } from './suggest.schema';
import { MIN_DISTANCE } from './suggestion.constants';
import { paramsProblems } from './suggest.validation';

/** A 2-D box [0, 10]² maximizing f, with completed observations of f on a 4 × 4 grid. */
function bowl(f: (x: number, y: number) => number, grid: number[] = [1, 4, 6, 9]): SuggestRequest {
  const space: SearchSpace = {
    parameters: [
      { name: 'x', type: 'number', min: 0, max: 10 },
      { name: 'y', type: 'number', min: 0, max: 10 },
    ],
    objective: { targets: [{ name: 'f', mode: 'max' }] },
  };
  const observations: Observation[] = grid.flatMap((x) =>
    grid.map((y) => ({ params: { x, y }, outputs: { f: f(x, y) }, status: 'completed' as const })),
  );
  return { space, observations, batchSize: 4, seed: 1 };
}

const peak = (x: number, y: number) => -((x - 3) ** 2) - (y - 7) ** 2;

describe('suggest', () => {
  const arbitraryRequest = fc
    .record({
      parameters: fc.array(
        fc.oneof(
          fc.record({
            type: fc.constant('number' as const),
            min: fc.double({ min: -1000, max: 1000, noNaN: true }),
            width: fc.double({ min: 1e-3, max: 1000, noNaN: true }),
          }),
          fc.record({ type: fc.constant('categorical' as const), choices: fc.integer({ min: 1, max: 3 }) }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      mode: fc.constantFrom('max' as const, 'min' as const, 'match' as const),
      observations: fc.array(
        fc.record({
          unit: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
          status: fc.constantFrom(
            'completed' as const,
            'completed' as const,
            'failed' as const,
            'pending' as const,
          ),
          y: fc.double({ min: -100, max: 100, noNaN: true }),
        }),
        { maxLength: 10 },
      ),
      batchSize: fc.integer({ min: 1, max: 4 }),
      seed: fc.integer({ min: 0, max: 1000 }),
      strategy: fc.constantFrom(...STRATEGIES),
      grouped: fc.boolean(),
    })
    .map((r): SuggestRequest => {
      const parameters = r.parameters.map((p, i) =>
        p.type === 'number'
          ? { name: `p${i}`, type: 'number' as const, min: p.min, max: p.min + p.width }
          : { name: `p${i}`, type: 'categorical' as const, choices: ['a', 'b', 'c'].slice(0, p.choices) },
      );
      const space: SearchSpace = {
        parameters,
        objective: { targets: [{ name: 'y', mode: r.mode, ...(r.mode === 'match' ? { value: 10 } : {}) }] },
      };
      const observations: Observation[] = r.observations.map((o) => {
        const params: Params = {};
        parameters.forEach((p, i) => {
          params[p.name] =
            p.type === 'number'
              ? Math.min(p.max, p.min + o.unit[i] * (p.max - p.min))
              : p.choices[Math.min(p.choices.length - 1, Math.floor(o.unit[i] * p.choices.length))];
        });
        return o.status === 'completed'
          ? { params, outputs: { y: o.y }, status: o.status }
          : { params, status: o.status };
      });
      return {
        space,
        observations,
        batchSize: r.batchSize,
        seed: r.seed,
        strategy: r.strategy,
        ...(r.grouped ? { groupBy: [parameters[0].name] } : {}),
      };
    });

  it('always proposes the requested number of candidates inside the space, grouped when asked', () => {
    fc.assert(
      fc.property(arbitraryRequest, (request) => {
        const { candidates } = suggest(request);
        expect(candidates).toHaveLength(request.batchSize);
        candidates.forEach((c, i) =>
          expect(paramsProblems(request.space, c.params, ['candidates', i])).toEqual([]),
        );
        for (const name of request.groupBy ?? [])
          for (const c of candidates) expect(c.params[name]).toEqual(candidates[0].params[name]);
      }),
      { numRuns: 40 },
    );
  });

  it.each(STRATEGIES)('is deterministic for a seed (%s)', (strategy) => {
    const request: SuggestRequest = { ...bowl(peak), strategy, seed: 42 };
    const first = suggest(request);
    expect(suggest(request)).toEqual(first);
    expect(suggest({ ...request, seed: 43 }).candidates).not.toEqual(first.candidates);
  });

  it('finds the peak of a smooth bowl and records the model version', () => {
    const { candidates, strategy, modelVersion } = suggest(bowl(peak));
    expect(strategy).toBe('bayesian');
    expect(modelVersion).toMatch(/^gp-[0-9a-f]{16}$/);
    const { x, y } = candidates[0].params as { x: number; y: number };
    expect(Math.hypot(x - 3, y - 7)).toBeLessThan(1.5);
    expect(candidates[0].acquisitionValue).toBeGreaterThan(0);
  });

  it('changes the model version when the data change', () => {
    const request = bowl(peak);
    const changed = bowl((x, y) => peak(x, y) + 0.5 * x);
    expect(suggest(request).modelVersion).toBe(suggest(request).modelVersion);
    expect(suggest(changed).modelVersion).not.toBe(suggest(request).modelVersion);
  });

  it('never proposes a pending point again, nor two points of a batch on top of each other', () => {
    const request = bowl(peak);
    const enc = encodingOf(request.space);
    const pending: Observation[] = [
      { params: { x: 3, y: 7 }, status: 'pending' },
      { params: { x: 3.3, y: 6.8 }, status: 'pending' },
    ];
    // Without the pending runs the batch goes right to the peak …
    const free = suggest(request).candidates.map((c) => toPoint(enc, c.params));
    expect(
      Math.min(...free.map((p) => normalizedDistance(enc, p, toPoint(enc, pending[0].params)))),
    ).toBeLessThan(2 * MIN_DISTANCE);
    // … with them, it keeps its distance from both, and from its own members.
    const points = suggest({
      ...request,
      observations: [...request.observations, ...pending],
    }).candidates.map((c) => toPoint(enc, c.params));
    for (const p of points)
      for (const o of pending)
        expect(normalizedDistance(enc, p, toPoint(enc, o.params))).toBeGreaterThan(MIN_DISTANCE);
    points.forEach((p, i) =>
      points.slice(i + 1).forEach((q) => expect(normalizedDistance(enc, p, q)).toBeGreaterThan(MIN_DISTANCE)),
    );
  });

  it('avoids a region where runs failed', () => {
    // f rises towards x = 10, but everything beyond x = 8 failed (film ruptured).
    const rising = (x: number, y: number) => x - 0.05 * (y - 5) ** 2;
    const request = bowl(rising, [0.5, 2.5, 4.5, 6.5]);
    const control = suggest(request).candidates.map((c) => c.params.x as number);
    expect(Math.max(...control)).toBeGreaterThan(8.5);
    const failed: Observation[] = [8.2, 9, 9.8].flatMap((x) =>
      [1, 3, 5, 7, 9].map((y) => ({ params: { x, y }, status: 'failed' as const })),
    );
    const avoided = suggest({
      ...request,
      observations: [...request.observations, ...failed],
    }).candidates.map((c) => c.params.x as number);
    expect(Math.max(...avoided)).toBeLessThan(8.5);
  });

  it('uses a space-filling first batch while there are too few completed runs', () => {
    const request = bowl(peak);
    const response = suggest({ ...request, observations: request.observations.slice(0, 2) });
    expect(response.strategy).toBe('space-filling');
    expect(response.candidates).toHaveLength(4);
  });

  it.each(STRATEGIES)('honours grouping: a batch shares the grouped dose (%s)', (strategy) => {
    const base = bowl(peak);
    const space: SearchSpace = {
      ...base.space,
      parameters: [...base.space.parameters, { name: 'dose', type: 'number', min: 5, max: 50 }],
    };
    const observations = base.observations.map((o, i) => ({
      ...o,
      params: { ...o.params, dose: 5 + 3 * i },
    }));
    const { candidates } = suggest({
      space,
      observations,
      batchSize: 4,
      seed: 3,
      strategy,
      groupBy: ['dose'],
    });
    const doses = new Set(candidates.map((c) => c.params.dose));
    expect(doses.size).toBe(1);
    expect(new Set(candidates.map((c) => `${c.params.x},${c.params.y}`)).size).toBe(4);
  });

  it('searches categorical choices: the better base polymer wins', () => {
    const space: SearchSpace = {
      parameters: [
        { name: 'x', type: 'number', min: 0, max: 1 },
        { name: 'polymer', type: 'categorical', choices: ['PE', 'PP', 'ETFE'] },
      ],
      objective: { targets: [{ name: 'dg', mode: 'match', value: 100, transform: 'log1p' }] },
    };
    const gain: Record<string, number> = { PE: 60, PP: 100, ETFE: 30 };
    const observations: Observation[] = ['PE', 'PP', 'ETFE'].flatMap((polymer) =>
      [0.1, 0.4, 0.7, 1].map((x) => ({
        params: { x, polymer },
        outputs: { dg: gain[polymer] * (0.2 + x) },
        uncertainty: { dg: 2 },
        status: 'completed' as const,
      })),
    );
    const { candidates } = suggest({ space, observations, batchSize: 1, seed: 1 });
    // Only PP reaches 100 inside the box (at x = 0.8); PE tops out at 72, ETFE at 36.
    expect(candidates[0].params.polymer).toBe('PP');
    expect(candidates[0].params.x).toBeGreaterThan(0.6);
  });
});
