import { createRng } from '@graftlab/grafting-model';
import { DocumentError } from '@graftlab/validation';
import type { Observation } from './observation.schema';
import type { SearchSpace } from './space.schema';
import { suggest } from './suggest.api';

/** Conductivity rises with the graft, so does the swelling: a trade-off, with swelling capped by a constraint. */
const truth = (x: number, y: number) => ({
  conductivity: 20 + 80 * x + 10 * y,
  waterUptake: 10 + 90 * x * x + 30 * y,
});

const SPACE: SearchSpace = {
  parameters: [
    { name: 'x', type: 'number', min: 0, max: 1 },
    { name: 'y', type: 'number', min: 0, max: 1 },
  ],
  objective: {
    pareto: true,
    targets: [
      { name: 'conductivity', mode: 'max' },
      { name: 'waterUptake', mode: 'min' },
    ],
    constraints: [{ name: 'waterUptake', max: 60 }],
  },
};

function observations(n: number): Observation[] {
  const rng = createRng('pareto-obs');
  return Array.from({ length: n }, () => {
    const x = rng.next();
    const y = rng.next();
    const t = truth(x, y);
    return {
      params: { x, y },
      outputs: { conductivity: t.conductivity, waterUptake: t.waterUptake },
      uncertainty: { conductivity: 1, waterUptake: 1 },
      status: 'completed' as const,
    };
  });
}

async function pointers(f: () => unknown): Promise<string[]> {
  try {
    f();
  } catch (e) {
    if (e instanceof DocumentError) return e.problems.map((p) => p.pointer);
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('suggest with Pareto objectives and outcome constraints', () => {
  it('proposes a qNEHVI batch that keeps to the constraint and reports each candidate’s feasibility', () => {
    const res = suggest({ space: SPACE, observations: observations(14), batchSize: 4, seed: 5 });
    expect(res.strategy).toBe('bayesian-qnehvi');
    expect(res.modelVersion).toMatch(/^qnehvi-/);
    expect(res.candidates).toHaveLength(4);
    let feasible = 0;
    for (const c of res.candidates) {
      expect(c.feasibility).toBeGreaterThanOrEqual(0);
      expect(c.feasibility).toBeLessThanOrEqual(1);
      const t = truth(c.params.x as number, c.params.y as number);
      if (t.waterUptake <= 63) feasible++;
    }
    expect(feasible).toBeGreaterThanOrEqual(3);
    // On the trade-off, not in the dominated corner: y (which costs swelling for little conductivity) stays low.
    const meanY = res.candidates.reduce((s, c) => s + (c.params.y as number), 0) / 4;
    expect(meanY).toBeLessThan(0.4);
    // Stateless and deterministic.
    expect(suggest({ space: SPACE, observations: observations(14), batchSize: 4, seed: 5 })).toEqual(res);
  });

  it('uses constraints with a weighted sum too, and fills the space while data are too few', () => {
    const weighted = suggest({
      space: { ...SPACE, objective: { ...SPACE.objective, pareto: false } },
      observations: observations(14),
      batchSize: 2,
      seed: 1,
    });
    expect(weighted.strategy).toBe('bayesian-constrained');
    expect(weighted.candidates.every((c) => c.feasibility !== undefined)).toBe(true);
    expect(suggest({ space: SPACE, observations: observations(2), batchSize: 2, seed: 1 }).strategy).toBe(
      'space-filling',
    );
  });

  it('keeps away from where films failed (no outputs, only a failure vote)', () => {
    // Every film with x > 0.7 failed: the best-conducting corner is there, but the batch must not go back.
    const obs: Observation[] = observations(24).map((o) =>
      (o.params.x as number) > 0.7 ? { params: o.params, status: 'failed' as const, reason: 'ruptured' } : o,
    );
    expect(obs.filter((o) => o.status === 'failed').length).toBeGreaterThanOrEqual(4);
    const res = suggest({ space: SPACE, observations: obs, batchSize: 4, seed: 3 });
    expect(res.strategy).toBe('bayesian-qnehvi');
    for (const c of res.candidates) expect(c.params.x as number).toBeLessThan(0.75);
  });

  it('searches a log-scale parameter by its ratio and costs it in its own unit', () => {
    const space: SearchSpace = {
      parameters: [
        { name: 'dose', type: 'number', min: 1, max: 100, scale: 'log' },
        { name: 'y', type: 'number', min: 0, max: 1 },
      ],
      objective: {
        pareto: true,
        targets: [{ name: 'conductivity', mode: 'max' }],
        costs: [{ parameter: 'dose', weight: 1 }],
      },
    };
    const random = suggest({ space, observations: [], batchSize: 60, seed: 2, strategy: 'random' });
    const doses = random.candidates.map((c) => c.params.dose as number);
    // Log-uniform: about half below √(1·100) = 10 (uniform would put 9 % there).
    const below = doses.filter((d) => d < 10).length / doses.length;
    expect(below).toBeGreaterThan(0.3);
    expect(below).toBeLessThan(0.7);
    expect(Math.min(...doses)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...doses)).toBeLessThanOrEqual(100);
    // σ grows with log dose: the front trades σ against dose over the whole range, low doses included.
    const obs: Observation[] = Array.from({ length: 12 }, (_, i) => {
      const dose = Math.pow(100, i / 11);
      return {
        params: { dose, y: ((i * 7) % 11) / 10 },
        outputs: { conductivity: 10 * Math.log(dose) + 5 },
        uncertainty: { conductivity: 0.5 },
        status: 'completed' as const,
      };
    });
    const res = suggest({ space, observations: obs, batchSize: 3, seed: 4 });
    expect(res.strategy).toBe('bayesian-qnehvi');
    for (const c of res.candidates) {
      expect(c.params.dose as number).toBeGreaterThanOrEqual(1);
      expect(c.params.dose as number).toBeLessThanOrEqual(100);
    }
  });

  it('takes a stated threshold as the reference point: nothing worse than it is worth proposing', () => {
    const withThreshold = (threshold?: number): SearchSpace => ({
      ...SPACE,
      objective: {
        ...SPACE.objective,
        targets: [
          { name: 'conductivity', mode: 'max', ...(threshold === undefined ? {} : { threshold }) },
          { name: 'waterUptake', mode: 'min' },
        ],
      },
    });
    const conductivities = (threshold?: number) =>
      suggest({
        space: withThreshold(threshold),
        observations: observations(14),
        batchSize: 4,
        seed: 5,
      }).candidates.map((c) => truth(c.params.x as number, c.params.y as number).conductivity);
    // Unstated, the reference follows the observed front: the batch spreads along the whole trade-off.
    expect(Math.min(...conductivities())).toBeLessThan(50);
    // σ ≥ 70 stated (reached only near the uptake limit): the batch stays where σ can pass it.
    for (const sigma of conductivities(70)) expect(sigma).toBeGreaterThan(65);
  });

  it('refuses a threshold outside a Pareto objective, and a cost threshold no setting can beat', async () => {
    const parameters = [
      { name: 'dose', type: 'number' as const, min: 5, max: 100 },
      { name: 'y', type: 'number' as const, min: 0, max: 1 },
    ];
    expect(
      await pointers(() =>
        suggest({
          space: {
            parameters,
            objective: {
              targets: [{ name: 'conductivity', mode: 'max', threshold: 30 }],
              costs: [{ parameter: 'dose', weight: 1, threshold: 100 }],
            },
          },
          observations: [],
          batchSize: 1,
        }),
      ),
    ).toEqual(['/space/objective/targets/0/threshold', '/space/objective/costs/0/threshold']);
    expect(
      await pointers(() =>
        suggest({
          space: {
            parameters,
            objective: {
              pareto: true,
              targets: [{ name: 'conductivity', mode: 'max', threshold: 30 }],
              costs: [{ parameter: 'dose', weight: 1, threshold: 5 }],
            },
          },
          observations: [],
          batchSize: 1,
        }),
      ),
    ).toEqual(['/space/objective/costs/0/threshold']);
  });

  it('refuses a log scale that reaches zero', async () => {
    expect(
      await pointers(() =>
        suggest({
          space: { ...SPACE, parameters: [{ name: 'x', type: 'number', min: 0, max: 1, scale: 'log' }] },
          observations: [],
          batchSize: 1,
        }),
      ),
    ).toEqual(['/space/parameters/0/min']);
  });

  it('refuses a match target in a Pareto set, a constraint on a parameter or without bounds, and a missing constrained output', async () => {
    expect(
      await pointers(() =>
        suggest({
          space: {
            ...SPACE,
            objective: {
              pareto: true,
              targets: [{ name: 'conductivity', mode: 'match', value: 50 }],
              constraints: [{ name: 'x', max: 1 }, { name: 'swelling' }],
            },
          },
          observations: [],
          batchSize: 1,
        }),
      ),
    ).toEqual([
      '/space/objective/targets/0/mode',
      '/space/objective/constraints/0/name',
      '/space/objective/constraints/1',
    ]);
    expect(
      await pointers(() =>
        suggest({
          space: SPACE,
          observations: [{ params: { x: 0.1, y: 0.1 }, outputs: { conductivity: 1 }, status: 'completed' }],
          batchSize: 1,
        }),
      ),
    ).toEqual(['/observations/0/outputs', '/observations/0/outputs']);
  });
});

describe('protocols/examples/space.pareto.example.json', () => {
  it('is a valid Pareto space for graftlab suggest (three objectives with the dose and their thresholds, one constraint)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const space = require('../../../protocols/examples/space.pareto.example.json') as SearchSpace;
    const res = suggest({ space, observations: [], batchSize: 3, seed: 1 });
    expect(res.strategy).toBe('space-filling');
    expect(res.candidates).toHaveLength(3);
  });
});
