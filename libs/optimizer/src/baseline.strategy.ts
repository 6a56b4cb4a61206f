import {
  latinHypercube,
  maximinPick,
  nearestDistance,
  randomPoint,
  type FixedCoordinates,
} from './design.sampling';
import { groupFixed, type Proposal, type ProposalContext } from './proposal.types';
import type { Point } from './space.encoding';
import { MIN_DISTANCE } from './suggestion.constants';

/** Random search: uniform points, redrawn when one lands on a pending or already chosen point. */
export function proposeRandom(ctx: ProposalContext): Proposal {
  const points: Point[] = [];
  let fixed: FixedCoordinates = new Map();
  for (let j = 0; j < ctx.batchSize; j++) {
    const blocked = [...ctx.pending, ...points];
    let point = randomPoint(ctx.enc, ctx.rng, fixed);
    for (
      let attempt = 0;
      attempt < 100 && nearestDistance(ctx.enc, point, blocked) <= MIN_DISTANCE;
      attempt++
    )
      point = randomPoint(ctx.enc, ctx.rng, fixed);
    points.push(point);
    if (j === 0 && ctx.groupIndices.length) fixed = groupFixed(point, ctx.groupIndices);
  }
  return { points };
}

/**
 * Space-filling design: from a Latin-hypercube pool, greedily the point farthest from every observation (any
 * status) and every point already chosen. Stateless, yet successive batches keep filling the gaps.
 */
export function proposeSpaceFilling(ctx: ProposalContext): Proposal {
  const poolSize = Math.max(256, 64 * ctx.batchSize);
  const existing: Point[] = [...ctx.completed.map((c) => c.point), ...ctx.failed, ...ctx.pending];
  let pool = latinHypercube(ctx.enc, poolSize, ctx.rng);
  const points: Point[] = [];
  for (let j = 0; j < ctx.batchSize; j++) {
    const point = maximinPick(ctx.enc, pool, [...existing, ...points]);
    points.push(point);
    if (j === 0 && ctx.groupIndices.length)
      pool = latinHypercube(ctx.enc, poolSize, ctx.rng, groupFixed(point, ctx.groupIndices));
  }
  return { points };
}
