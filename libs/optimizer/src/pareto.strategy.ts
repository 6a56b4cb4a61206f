import {
  DescriptorGp,
  proposeParetoBatch,
  proposeWeightedSumBatch,
  type OutcomeConstraint,
  type ParetoObjective,
} from '@graftlab/mi-model';
import { latinHypercube } from './design.sampling';
import { versionHash } from './model-version.hash';
import type { Proposal, ProposalContext } from './proposal.types';
import type { Encoding, Point } from './space.encoding';
import type { Objective } from './space.schema';

/** Pool of candidate points the batch is chosen from. */
const POOL = 384;
const SAMPLES = 96;

/** Model inputs of a point: numbers as they are (in [0, 1]), categoricals one-hot. */
function features(enc: Encoding, point: Point): number[] {
  const out: number[] = [];
  enc.space.parameters.forEach((p, i) => {
    if (p.type === 'number') out.push(point[i]);
    else for (let c = 0; c < p.choices.length; c++) out.push(Math.round(point[i]) === c ? 1 : 0);
  });
  return out;
}

export interface ParetoProposal extends Proposal {
  readonly modelVersion: string;
  readonly method: 'qNEHVI' | 'weighted-sum';
  /** Per chosen point: the probability that it meets every outcome constraint. */
  readonly feasibility: number[];
}

/**
 * Several outputs with outcome constraints (issue #15): one GP per modelled output (Matérn 5/2 with ARD, the MI
 * model's `DescriptorGp`, log1p where the target or constraint says so); with `pareto`, the batch maximizes the
 * expected hypervolume improvement over the sampled feasible front (qNEHVI-style, sequential greedy with the
 * chosen points sampled jointly); without it, a noisy expected improvement of the weighted sum. Both are weighted
 * by the probability of meeting every constraint. Costs are known objectives to minimize (Pareto) or subtracted
 * (weighted sum). Undefined below the initial design size: the caller then fills the space.
 */
export function proposePareto(
  ctx: ProposalContext,
  objective: Objective,
  initialDesignSize?: number,
): ParetoProposal | undefined {
  const { enc } = ctx;
  const d = enc.space.parameters.length;
  if (ctx.completed.length < (initialDesignSize ?? Math.max(4, d + 1))) return undefined;
  const transformOf = (name: string) =>
    objective.targets.find((t) => t.name === name)?.transform ??
    objective.constraints?.find((c) => c.name === name)?.transform ??
    'none';
  const names = [
    ...new Set([
      ...objective.targets.map((t) => t.name),
      ...(objective.constraints ?? []).map((c) => c.name),
    ]),
  ];
  const x = (p: Point) => features(enc, p);
  const models = new Map(
    names.map((name) => [
      name,
      DescriptorGp.fit(
        {
          points: ctx.completed.map((c) => x(c.point)),
          values: ctx.completed.map((c) => c.observation.outputs![name]),
          uncertainties: ctx.completed.map((c) => c.observation.uncertainty?.[name] ?? 0),
        },
        {
          transform: transformOf(name) === 'log1p' ? 'log1p' : 'identity',
          calibration: 'leave-one-out',
          seed: `pareto:${name}`,
          starts: 2,
          maxIterations: 60,
        },
      ),
    ]),
  );
  const outcome = (name: string) => ({ name, model: models.get(name)!, features: x });
  const numericIndex = (parameter: string) => enc.space.parameters.findIndex((p) => p.name === parameter);
  const costs = (objective.costs ?? []).map((c) => {
    const i = numericIndex(c.parameter);
    const p = enc.space.parameters[i];
    const span = p.type === 'number' ? p.max - p.min : 1;
    const min = p.type === 'number' ? p.min : 0;
    return { name: `cost:${c.parameter}`, known: (point: Point) => min + point[i] * span, weight: c.weight };
  });
  const constraints: OutcomeConstraint<Point>[] = (objective.constraints ?? []).map((c) => ({
    ...outcome(c.name),
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
  }));
  const pool = latinHypercube(enc, POOL, ctx.rng, new Map());
  const baseline = ctx.completed.map((c) => c.point);
  const seed = `pareto:${ctx.rng.next()}`;

  const choose = (candidates: Point[], pending: Point[], q: number) => {
    if (objective.pareto) {
      const objectives: ParetoObjective<Point>[] = [
        ...objective.targets.map((t) => ({
          ...outcome(t.name),
          direction: t.mode === 'min' ? ('minimize' as const) : ('maximize' as const),
        })),
        ...costs.map((c) => ({ name: c.name, known: c.known, direction: 'minimize' as const })),
      ];
      return proposeParetoBatch({
        objectives,
        constraints,
        baseline,
        pending,
        candidates,
        q,
        samples: SAMPLES,
        seed,
      });
    }
    // Weighted sum with constraints: "match" becomes the target whose distance is minimized through the sign of
    // its weight only when it is max or min; a match target is modelled as its own output around the value.
    const objectives: ParetoObjective<Point>[] = [
      ...objective.targets.map((t) => {
        const o = outcome(t.name);
        if (t.mode !== 'match')
          return {
            ...o,
            direction: t.mode === 'min' ? ('minimize' as const) : ('maximize' as const),
            weight: t.weight ?? 1,
          };
        const value = t.value ?? 0;
        const gp = models.get(t.name)!;
        // |y − value| is a known function of the posterior mean: used as a known outcome to minimize.
        return {
          name: `match:${t.name}`,
          known: (p: Point) => Math.abs(gp.predict(x(p)).median - value),
          direction: 'minimize' as const,
          weight: t.weight ?? 1,
        };
      }),
      ...costs.map((c) => ({
        name: c.name,
        known: c.known,
        direction: 'minimize' as const,
        weight: Math.abs(c.weight),
      })),
    ];
    return proposeWeightedSumBatch({
      objectives,
      constraints,
      baseline,
      pending,
      candidates,
      q,
      samples: SAMPLES,
      seed,
    });
  };

  let result = choose(pool, [...ctx.pending], ctx.groupIndices.length ? 1 : ctx.batchSize);
  let proposals = [...result.proposals];
  if (ctx.groupIndices.length && ctx.batchSize > 1 && proposals.length) {
    // The batch shares the grouped parameters: the rest is chosen with them held at the first point's values.
    const first = proposals[0].candidate;
    const held = pool.map((p) => p.map((v, i) => (ctx.groupIndices.includes(i) ? first[i] : v)));
    result = choose(held, [...ctx.pending, first], ctx.batchSize - 1);
    proposals = [...proposals, ...result.proposals];
  }
  const modelVersion = versionHash(objective.pareto ? 'qnehvi' : 'constrained-ei', {
    models: names.map((n) => models.get(n)!.version),
    seed,
    pending: ctx.pending,
  });
  return {
    points: proposals.map((p) => [...p.candidate]),
    acquisitionValues: proposals.map((p) => p.acquisition),
    feasibility: proposals.map((p) => p.feasibility),
    modelVersion,
    method: result.method,
  };
}
