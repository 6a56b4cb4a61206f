import { createRng } from '@graftlab/grafting-model';
import { DescriptorGp } from './descriptor-gp.model';
import { proposeParetoBatch, proposeWeightedSumBatch, type BatchRequest } from './pareto.acquisition';

type Point = readonly number[];

/** A GP of a known function of two inputs, from a few noisy points. */
function modelOf(f: (x: Point) => number, points: readonly Point[], seed: number): DescriptorGp {
  const rng = createRng(seed);
  const values = points.map((x) => f(x) + rng.normal(0, 0.02));
  return DescriptorGp.fit(
    { points, values, uncertainties: values.map(() => 0.02) },
    { seed, calibration: 'none' },
  );
}

const rng = createRng(3);
const measured: Point[] = Array.from({ length: 25 }, () => [rng.next(), rng.next()]);
const pool: Point[] = Array.from({ length: 300 }, () => [rng.next(), rng.next()]);
// Two conflicting objectives on the unit square, and an outcome constraint cutting off the far corner.
const f1 = (x: Point) => x[0] + 0.3 * Math.sin(3 * x[1]);
const f2 = (x: Point) => x[1] - 0.2 * x[0] * x[0];
const load = (x: Point) => x[0] + x[1];
const m1 = modelOf(f1, measured, 1);
const m2 = modelOf(f2, measured, 2);
const mLoad = modelOf(load, measured, 3);
const outcome = (name: string, model: DescriptorGp) => ({ name, model, features: (x: Point) => x });

describe('qNEHVI', () => {
  const base: BatchRequest<Point> = {
    objectives: [
      { ...outcome('f1', m1), direction: 'maximize' },
      { ...outcome('f2', m2), direction: 'maximize' },
    ],
    baseline: measured,
    candidates: [],
    q: 1,
    samples: 64,
    seed: 1,
  };

  it('prefers a point that dominates another, in either order', () => {
    const dominating: Point = [0.95, 0.9];
    const dominated: Point = [0.6, 0.55];
    for (const candidates of [
      [dominated, dominating],
      [dominating, dominated],
    ]) {
      const result = proposeParetoBatch({ ...base, candidates });
      expect(result.proposals[0].candidate).toBe(dominating);
      const [a, b] =
        candidates === undefined ? [0, 0] : [candidates.indexOf(dominating), candidates.indexOf(dominated)];
      expect(result.firstRound[a]).toBeGreaterThan(result.firstRound[b]);
    }
  });

  it('expects almost nothing from a point deep inside the measured front', () => {
    const result = proposeParetoBatch({
      ...base,
      candidates: [
        [0.05, 0.05],
        [0.95, 0.9],
      ],
    });
    expect(result.firstRound[0]).toBeLessThan(1e-3 * result.firstRound[1]);
  });

  it('keeps proposals in the feasible region under an outcome constraint, where unconstrained ones leave it', () => {
    const q = 6;
    const constrained = proposeParetoBatch({
      ...base,
      candidates: pool,
      q,
      constraints: [{ ...outcome('load', mLoad), max: 1.2 }],
    });
    const free = proposeParetoBatch({ ...base, candidates: pool, q });
    const loads = (ps: readonly { candidate: Point }[]) => ps.map((p) => load(p.candidate));
    // The constrained optimum lies on the boundary: proposals sit inside it or within ~2 model sd (0.01) of it.
    expect(Math.max(...loads(constrained.proposals))).toBeLessThan(1.23);
    expect(loads(constrained.proposals).filter((l) => l <= 1.2).length).toBeGreaterThanOrEqual(q / 2);
    constrained.proposals.forEach((p) => expect(p.feasibility).toBeGreaterThan(0.3));
    expect(Math.min(...loads(free.proposals))).toBeGreaterThan(1.5);
  });

  it('spreads a batch: sequential greedy with the chosen points in the sampled set', () => {
    const batch = proposeParetoBatch({ ...base, candidates: pool, q: 4 }).proposals.map((p) => p.candidate);
    const gaps = batch.flatMap((a, i) => batch.slice(i + 1).map((b) => Math.hypot(a[0] - b[0], a[1] - b[1])));
    expect(Math.min(...gaps)).toBeGreaterThan(0.05);
  });

  it('takes a stated reference per objective, the rule where an entry is left undefined', () => {
    const objectives: BatchRequest<Point>['objectives'] = [
      { ...outcome('f1', m1), direction: 'maximize' },
      { name: 'dose', known: (x: Point) => 10 + 90 * x[1], direction: 'minimize' },
    ];
    const rule = proposeParetoBatch({ ...base, objectives, candidates: pool }).reference;
    const partial = proposeParetoBatch({ ...base, objectives, candidates: pool, reference: [0.8] });
    expect(partial.reference).toEqual([0.8, rule[1]]);
    const full = proposeParetoBatch({ ...base, objectives, candidates: pool, reference: [0.8, 50] });
    expect(full.reference).toEqual([0.8, 50]);
    // Nothing counts below f1 = 0.8 or above a dose of 50.
    const best = full.proposals[0].candidate;
    expect(f1(best)).toBeGreaterThan(0.7);
    expect(10 + 90 * best[1]).toBeLessThan(50);
    expect(() => proposeParetoBatch({ ...base, objectives, candidates: pool, reference: [0, 0, 0] })).toThrow(
      /3 entries for 2 objectives/,
    );
  });

  it('takes known objectives and minimization (minimize a dose that is an input)', () => {
    const result = proposeParetoBatch({
      ...base,
      objectives: [
        { ...outcome('f1', m1), direction: 'maximize' },
        { name: 'dose', known: (x: Point) => 10 + 90 * x[1], direction: 'minimize' },
      ],
      candidates: pool,
      q: 3,
    });
    expect(result.reference[1]).toBeGreaterThan(10);
    // Points with a high f1 at a low dose.
    result.proposals.forEach((p) =>
      expect(f1(p.candidate) + 0.5 * (1 - p.candidate[1])).toBeGreaterThan(0.8),
    );
  });
});

describe('weighted-sum baseline', () => {
  it('respects the constraint as the hypervolume does, and picks the best weighted sum first', () => {
    const request: BatchRequest<Point> = {
      objectives: [
        { ...outcome('f1', m1), direction: 'maximize' },
        { ...outcome('f2', m2), direction: 'maximize' },
      ],
      baseline: measured,
      candidates: pool,
      q: 4,
      samples: 64,
      seed: 2,
    };
    const constrained = proposeWeightedSumBatch({
      ...request,
      constraints: [{ ...outcome('load', mLoad), max: 1.2 }],
    });
    expect(constrained.method).toBe('weighted-sum');
    expect(load(constrained.proposals[0].candidate)).toBeLessThan(1.21);
    expect(constrained.proposals[0].feasibility).toBeGreaterThan(0.5);
    // Unconstrained, its first pick is the pool's best equal-weight sum (f1 and f2 span similar ranges).
    const first = proposeWeightedSumBatch(request).proposals[0].candidate;
    const best = Math.max(...pool.map((x) => f1(x) + f2(x)));
    expect(f1(first) + f2(first)).toBeGreaterThan(best - 0.05);
  });
});
