import { z } from 'zod';

/** A continuous parameter searched between min and max (inclusive), in its own unit. */
export const numberParameterSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('number'),
    min: z.number(),
    max: z.number(),
    unit: z.string().optional(),
    /**
     * How the optimizer spreads and models the range: 'linear' (default) or 'log' (min > 0), for parameters whose
     * effect scales with their ratio, such as dose, time and concentration (5 → 10 kGy matters as much as 50 → 100).
     */
    scale: z
      .enum(['linear', 'log'])
      .optional()
      .describe(
        "'linear' (default) or 'log' (min > 0): the optimizer samples and models the range in this scale (dose, time, concentration act by their ratio)",
      ),
    description: z.string().optional(),
  })
  .strict();

/** A parameter taking one of a few named values (base polymer, monomer, solvent). */
export const categoricalParameterSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('categorical'),
    choices: z.array(z.string().min(1)).min(1),
    /**
     * Numeric descriptors of each choice (e.g. a base polymer's Tg and radical yield, a monomer's molar mass and
     * Q–e): the models see a choice as its descriptors, so what is learned about one material carries over to
     * materials with similar descriptors; without them, as an unrelated category (one-hot).
     */
    descriptors: z
      .record(z.string(), z.record(z.string(), z.number()))
      .optional()
      .describe(
        'numeric descriptors of each choice, the same names for every choice: the models see a choice as its descriptors (what is learned on one material carries over to similar ones) instead of an unrelated category',
      ),
    description: z.string().optional(),
  })
  .strict();

export const parameterSchema = z.discriminatedUnion('type', [
  numberParameterSchema,
  categoricalParameterSchema,
]);

/**
 * One measured output the objective cares about. `transform` is how the model sees it: log1p suits
 * outputs spanning orders of magnitude such as the degree of grafting (it never changes the score).
 */
export const targetSchema = z
  .object({
    name: z.string().min(1),
    mode: z.enum(['max', 'min', 'match']),
    value: z.number().optional(),
    weight: z.number().positive().optional(),
    transform: z.enum(['none', 'log1p']).optional(),
    /**
     * Pareto only: the least acceptable value of this output (at least this for "max", at most for "min"), as Ax's
     * objective thresholds: the hypervolume's reference point, so a result worse than it adds nothing to the front.
     * Unset: the nadir of the observed front less 10 % of its range.
     */
    threshold: z
      .number()
      .optional()
      .describe(
        'Pareto only: the least acceptable value of this output (at least this for "max", at most for "min"), the reference point of the hypervolume: a result worse than it adds nothing to the front. Unset: the nadir of the observed front less 10 % of its range',
      ),
  })
  .strict();

/**
 * A known cost per unit of a numeric parameter (e.g. dose), subtracted from the score; with `pareto`, an objective
 * to minimize, whose `threshold` is the most of the parameter a useful result may use (the reference point).
 */
export const costSchema = z
  .object({
    parameter: z.string().min(1),
    weight: z.number(),
    threshold: z
      .number()
      .optional()
      .describe(
        'Pareto only: the most of this parameter a useful result may use, the reference point of the hypervolume in this objective. Unset: the nadir of the observed front less 10 % of its range',
      ),
  })
  .strict();

/** An outcome constraint: a proposal should keep this output within [min, max] (e.g. water uptake ≤ 80 %). */
export const constraintSchema = z
  .object({
    name: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
    transform: z.enum(['none', 'log1p']).optional(),
  })
  .strict();

export const objectiveSchema = z
  .object({
    targets: z.array(targetSchema).min(1),
    costs: z.array(costSchema).optional(),
    /**
     * Targets as a Pareto set (each "max" or "min", weights ignored) rather than one weighted sum: the batch
     * maximizes the expected hypervolume improvement (qNEHVI-style); costs become objectives to minimize.
     */
    pareto: z
      .boolean()
      .optional()
      .describe(
        'targets as a Pareto set (each "max" or "min") rather than a weighted sum: the batch maximizes the expected hypervolume improvement (qNEHVI-style); costs become objectives to minimize',
      ),
    /** Outcome constraints; proposals are weighted by their probability of meeting every one. */
    constraints: z
      .array(constraintSchema)
      .optional()
      .describe(
        'outcome constraints (e.g. waterUptake max 80): completed observations must report these outputs; proposals are weighted by the probability of meeting every one',
      ),
  })
  .strict();

export const spaceSchema = z
  .object({ parameters: z.array(parameterSchema).min(1), objective: objectiveSchema })
  .strict();

export type NumberParameter = z.infer<typeof numberParameterSchema>;
export type CategoricalParameter = z.infer<typeof categoricalParameterSchema>;
export type Parameter = z.infer<typeof parameterSchema>;
export type Target = z.infer<typeof targetSchema>;
export type Objective = z.infer<typeof objectiveSchema>;
export type Constraint = z.infer<typeof constraintSchema>;
export type SearchSpace = z.infer<typeof spaceSchema>;
/** Parameter values by name: numbers for numeric parameters, a choice for categorical ones. */
export type Params = Record<string, number | string>;
