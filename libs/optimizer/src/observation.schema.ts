import { z } from 'zod';

/**
 * One experiment the optimizer learns from. completed: has outputs; failed: no outputs, marks an
 * infeasible region (Ax "failed"); pending: in flight, never proposed again (BayBE pending experiments).
 */
export const observationSchema = z
  .object({
    id: z.string().optional(),
    params: z.record(z.string(), z.union([z.number(), z.string()])),
    outputs: z.record(z.string(), z.number()).optional(),
    uncertainty: z.record(z.string(), z.number().nonnegative()).optional(),
    status: z.enum(['completed', 'failed', 'pending']),
    reason: z.string().optional(),
  })
  .strict();

export const observationsSchema = z.array(observationSchema);

export type Observation = z.infer<typeof observationSchema>;
export type ObservationStatus = Observation['status'];
