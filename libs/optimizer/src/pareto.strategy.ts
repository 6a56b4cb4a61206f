import {
  DescriptorGp,
  proposeParetoBatch,
  paretoFrontIndices,
  proposeWeightedSumBatch,
  type OutcomeConstraint,
  type ParetoObjective,
} from '@graftlab/mi-model';
import { latinHypercube } from './design.sampling';
import { FeasibilityModel } from './feasibility.model';
import { modelFeatures } from './model.features';
import { versionHash } from './model-version.hash';
import type { Proposal, ProposalContext } from './proposal.types';
import { valueOf, type Encoding, type Point } from './space.encoding';
import type { Objective } from './space.schema';

/** Pool of candidate points the batch is chosen from. */
const POOL = 384;
const SAMPLES = 96;
/** Reach of a failed run's vote, in unit coordinates (about a fifth of each range). */
const FAILURE_LENGTH_SCALE = 0.2;

const CLOUD = 16;
const CLOUD_SD = 0.05;

/**
 * Gaussian steps (numbers only) around the measured points on the observed front: those meeting every constraint
 * as measured and dominated by no other such point in the targets and costs (at most 8, the spread-out ones).
 */
function aroundFront(ctx: ProposalContext, objective: Objective, enc: Encoding): Point[] {
  const targets = objective.targets.filter((t) => t.mode !== 'match');
  const costIndex = (objective.costs ?? []).map((c) =>
    enc.space.parameters.findIndex((p) => p.name === c.parameter),
  );
  const feasible = ctx.completed.filter((c) =>
    (objective.constraints ?? []).every((con) => {
      const v = c.observation.outputs?.[con.name];
      return (
        v !== undefined && (con.min === undefined || v >= con.min) && (con.max === undefined || v <= con.max)
      );
    }),
  );
  const vectors = feasible.map((c) => [
    ...targets.map((t) => (t.mode === 'max' ? 1 : -1) * (c.observation.outputs?.[t.name] ?? 0)),
    ...costIndex.map((i) => -c.point[i]),
  ]);
  const front = paretoFrontIndices(vectors);
  const centers = front.map((k) => feasible[k].point);
  const step = Math.max(1, Math.ceil(centers.length / 8));
  const out: Point[] = [];
  for (let i = 0; i < centers.length; i += step) {
    for (let k = 0; k < CLOUD; k++)
      out.push(
        centers[i].map((v, j) =>
          enc.cardinality[j] === 0 ? Math.min(1, Math.max(0, v + ctx.rng.normal(0, CLOUD_SD))) : v,
        ),
      );
  }
  return out;
}

/**
 * The hypervolume's reference point as the objective states it, in the Pareto objectives' order (targets, then
 * costs): each target's and cost's `threshold`, undefined where none is stated (the acquisition's rule then).
 */
export function paretoReference(objective: Objective): (number | undefined)[] {
  return [...objective.targets.map((t) => t.threshold), ...(objective.costs ?? []).map((c) => c.threshold)];
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
  // Numbers as they are, materials through their descriptors, other categoricals one-hot.
  const featureMap = modelFeatures(enc);
  const oneHot = (p: Point) => {
    const f = featureMap.map(p);
    const out: number[] = [];
    featureMap.cardinality.forEach((c, k) => {
      if (c === 0) out.push(f[k]);
      else for (let j = 0; j < c; j++) out.push(Math.round(f[k]) === j ? 1 : 0);
    });
    return out;
  };
  const x = oneHot;
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
    const value = (point: Point) => (p.type === 'number' ? valueOf(p, point[i]) : 0);
    return { name: `cost:${c.parameter}`, known: value, weight: c.weight };
  });
  const constraints: OutcomeConstraint<Point>[] = (objective.constraints ?? []).map((c) => ({
    ...outcome(c.name),
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
  }));
  // Failed runs (a film that ruptured, broke up or stayed ungrafted) leave no outputs for the GPs: a kernel vote of
  // working and failed runs marks their neighbourhood, and a point whose vote is below ½ is not proposed (as the
  // single-objective strategy does).
  if (ctx.failed.length) {
    const works = new FeasibilityModel(
      ctx.completed.map((c) => c.point),
      ctx.failed,
      enc.cardinality.map(() => FAILURE_LENGTH_SCALE),
      enc.cardinality,
    );
    constraints.push({ name: 'works', known: (p: Point) => works.probability(p), min: 0.5 });
  }
  // The pool: a Latin hypercube over the space, and a cloud around the measured points whose outputs are best in
  // some objective (where the front is refined).
  const pool = [...latinHypercube(enc, POOL, ctx.rng, new Map()), ...aroundFront(ctx, objective, enc)];
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
        reference: paretoReference(objective),
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
