import type { Objective, Params, Target } from './space.schema';

/** One target's contribution before its weight: y (max), −y (min), −|y − value| (match). */
export function targetUtility(target: Target, y: number): number {
  switch (target.mode) {
    case 'max':
      return y;
    case 'min':
      return -y;
    case 'match':
      return -Math.abs(y - (target.value ?? 0));
  }
}

/** Known costs of the parameters (Σ cost weight · value); categoricals carry no cost. */
export function costOf(objective: Objective, params: Params): number {
  let cost = 0;
  for (const c of objective.costs ?? []) {
    const v = params[c.parameter];
    if (typeof v === 'number') cost += c.weight * v;
  }
  return cost;
}

/**
 * The score to maximize (issue #7): Σ weight·utility(y) − Σ cost·parameter.
 * Throws when a target's output is missing: a score without it would silently rank the run.
 */
export function scoreOf(
  objective: Objective,
  outputs: Readonly<Record<string, number>>,
  params: Params,
): number {
  let score = 0;
  for (const t of objective.targets) {
    const y = outputs[t.name];
    if (y === undefined) throw new Error(`output "${t.name}" is missing`);
    score += (t.weight ?? 1) * targetUtility(t, y);
  }
  return score - costOf(objective, params);
}
