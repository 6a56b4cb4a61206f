import { z } from 'zod';
import { observationsSchema } from './observation.schema';
import { spaceSchema, type Params, type SearchSpace } from './space.schema';
import type { Observation } from './observation.schema';

export const STRATEGIES = ['bayesian', 'random', 'space-filling'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The stateless ask: everything the optimizer needs travels with the request. */
export const suggestRequestSchema = z
  .object({
    space: spaceSchema,
    observations: observationsSchema,
    batchSize: z.number().int().min(1).max(100),
    seed: z.number().int().optional(),
    strategy: z.enum(STRATEGIES).optional(),
    /** Parameters every candidate of the batch shares (samples irradiated together share dose). */
    groupBy: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** Replies are read leniently (extra fields from other services are ignored) but checked against the space. */
export const suggestResponseSchema = z.object({
  candidates: z.array(
    z.object({
      params: z.record(z.string(), z.union([z.number(), z.string()])),
      acquisitionValue: z.number().optional(),
      feasibility: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe('with outcome constraints: the probability that the candidate meets every one'),
    }),
  ),
  modelVersion: z.string().optional(),
  strategy: z.string().optional(),
});

export interface SuggestRequest {
  readonly space: SearchSpace;
  readonly observations: readonly Observation[];
  readonly batchSize: number;
  readonly seed?: number;
  readonly strategy?: Strategy;
  readonly groupBy?: readonly string[];
}

export interface Candidate {
  readonly params: Params;
  /** Acquisition (expected improvement × probability of feasibility) when a model chose it. */
  readonly acquisitionValue?: number;
  /** With outcome constraints: the model's probability that the candidate meets every one. */
  readonly feasibility?: number;
}

export interface SuggestResponse {
  readonly candidates: readonly Candidate[];
  /** Hash of the fitted hyperparameters and the data (provenance: why this experiment was run). */
  readonly modelVersion: string;
  /** What actually produced the batch ('space-filling' for a Bayesian request without enough data). */
  readonly strategy: string;
}
