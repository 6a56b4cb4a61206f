import type { Rng } from '@graftlab/grafting-model';
import type { Observation } from './observation.schema';
import type { Encoding, Point } from './space.encoding';

/** Observations split by status and placed in model coordinates, plus what a strategy needs to propose. */
export interface ProposalContext {
  readonly enc: Encoding;
  readonly completed: readonly { readonly point: Point; readonly observation: Observation }[];
  readonly failed: readonly Point[];
  readonly pending: readonly Point[];
  readonly batchSize: number;
  readonly rng: Rng;
  /** Indices of the parameters the whole batch shares. */
  readonly groupIndices: readonly number[];
}

export interface Proposal {
  readonly points: Point[];
  readonly acquisitionValues?: number[];
}

/** The grouped coordinates of the batch's first point, to hold fixed for the rest. */
export function groupFixed(point: Point, groupIndices: readonly number[]): Map<number, number> {
  return new Map(groupIndices.map((i) => [i, point[i]]));
}
