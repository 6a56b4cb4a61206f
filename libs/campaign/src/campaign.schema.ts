import { z } from 'zod';
import {
  STRATEGIES,
  categoricalParameterSchema,
  numberParameterSchema,
  objectiveSchema,
  type Objective,
  type Parameter,
} from '@graftlab/optimizer';

export const PRIORS = ['none', 'database'] as const;

/**
 * A prior from a list: the related tasks are these campaigns' runs and/or these material systems' samples of the
 * MI database (instead of every sample), e.g. `{"campaigns": ["cmp-…"], "systems": [{"basePolymer": "ETFE",
 * "monomer": "styrene"}]}`.
 */
export const priorListSchema = z
  .object({
    campaigns: z.array(z.string().min(1).max(100)).max(100).optional(),
    systems: z
      .array(
        z.object({ basePolymer: z.string().min(1).max(200), monomer: z.string().min(1).max(200) }).strict(),
      )
      .max(100)
      .optional(),
  })
  .strict();
export type PriorList = z.output<typeof priorListSchema>;
export type Prior = (typeof PRIORS)[number] | PriorList;

export const MATERIAL_ROLES = ['basePolymer', 'monomer'] as const;
export type MaterialRole = (typeof MATERIAL_ROLES)[number];

/**
 * What one material choice changes in the protocol: `materials` entries replace the protocol's fields they name
 * (`base`, `monomer`, `solvent`, … merged field by field, e.g. `{"base": {"polymer": "PE", "name": "PE film"}}`),
 * `parameters` set protocol parameter values that go with the material (a concentration, a temperature).
 */
export const materialVariantSchema = z
  .object({
    materials: z.record(z.string(), z.unknown()),
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  })
  .strict();

/**
 * A searched parameter of a campaign: a protocol parameter (number or categorical), or a material (`material`:
 * base polymer or monomer) whose choices each map to a protocol variant and are seen by the optimizer through
 * their descriptors (`"database"`, the default: the MI database's material tables; or given per choice).
 */
export const campaignCategoricalSchema = categoricalParameterSchema
  .extend({
    material: z
      .enum(MATERIAL_ROLES)
      .optional()
      .describe(
        'this parameter chooses the base polymer or the monomer; each choice needs a protocol variant',
      ),
    descriptors: z
      .union([z.literal('database'), z.record(z.string(), z.record(z.string(), z.number()))])
      .optional()
      .describe(
        'numeric descriptors per choice, or "database" (the default with "material"): the MI database\'s material tables',
      ),
    variants: z
      .record(z.string(), materialVariantSchema)
      .optional()
      .describe('per choice, what it changes in the protocol (materials, parameter values)'),
  })
  .strict();

export const campaignParameterSchema = z.discriminatedUnion('type', [
  numberParameterSchema,
  campaignCategoricalSchema,
]);

/** Bounds of one parameter inside the autonomy envelope: a numeric range or the choices allowed. */
export const envelopeBoundSchema = z.union([
  z.object({ min: z.number().optional(), max: z.number().optional() }).strict(),
  z.object({ choices: z.array(z.string().min(1)).min(1) }).strict(),
]);

const rangeSchema = z.object({ min: z.number().optional(), max: z.number().optional() }).strict();

export const optimizerChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin') }).strict(),
  z.object({ kind: z.literal('http'), url: z.string().min(1).max(2000) }).strict(),
]);

/**
 * What a person writes to start a campaign (POST /api/campaigns, `graftlab campaign create`). The protocol is
 * named by id (its latest stored version unless `protocolVersion` is given) or given as a document.
 */
export const campaignDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    protocolId: z.string().min(1).max(200).optional(),
    protocolVersion: z.number().int().positive().optional(),
    /** A protocol document, stored as a version (like POST /api/protocols) when its content is new. */
    protocol: z.record(z.string(), z.unknown()).optional(),
    /** Some of the protocol's parameters with narrower ranges or fewer choices; default: all it lets optimize. */
    space: z
      .object({ parameters: z.array(campaignParameterSchema).min(1) })
      .strict()
      .optional(),
    /** Values of protocol parameters outside the space (the protocol's defaults otherwise). */
    fixed: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
    objective: objectiveSchema,
    /** The target is met when one completed experiment has every named output inside its range. */
    stopWhen: z
      .object({ outputs: z.record(z.string(), rangeSchema) })
      .strict()
      .optional(),
    /** Experiments (runs) the campaign may spend. */
    budget: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(100),
    seed: z.number().int().min(0).max(1_000_000).optional(),
    strategy: z.enum(STRATEGIES).optional(),
    optimizer: optimizerChoiceSchema.optional(),
    /** Bounds inside which proposals are queued without a person; absent: every proposal waits for one. */
    autonomyEnvelope: z
      .object({ parameters: z.record(z.string(), envelopeBoundSchema) })
      .strict()
      .optional(),
    /** Parameters every experiment of a batch shares (samples irradiated together share dose and storage). */
    groupBy: z.array(z.string().min(1)).optional(),
    /**
     * What the optimizer knows before the first run: nothing ('none', the default), every related sample of the
     * MI database ('database': a transfer model warm-starts each objective from the database-wide model, weighted
     * by how well it predicts this campaign's own results), or only the samples of listed campaigns and material
     * systems (the same transfer model, trained on those related tasks alone).
     */
    prior: z
      .union([z.enum(PRIORS), priorListSchema])
      .optional()
      .describe(
        '"none" (default), "database" (every related sample of the MI database), or a list of related tasks: {"campaigns": [ids], "systems": [{"basePolymer", "monomer"}]}',
      ),
    /** Where the campaign came from: an MI ranking proposal (its model version is cited by every run's manifest). */
    origin: z
      .object({
        miModelVersion: z.string().min(1).max(100),
        proposal: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
    /** Per-campaign budgets: total dose over all runs, and volume per reagent (mL) over all runs. */
    limits: z
      .object({
        totalDoseKGy: z.number().positive().optional(),
        consumablesMl: z.record(z.string(), z.number().positive()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type CampaignDefinition = z.output<typeof campaignDefinitionSchema>;
export type MaterialVariant = z.output<typeof materialVariantSchema>;

/** A material parameter as the loop keeps it: its role and each choice's protocol variant. */
export interface MaterialSpec {
  readonly material: MaterialRole;
  readonly variants: Readonly<Record<string, MaterialVariant>>;
}
export type EnvelopeBound = z.output<typeof envelopeBoundSchema>;
export type OptimizerChoiceInput = z.output<typeof optimizerChoiceSchema>;
export type Range = z.output<typeof rangeSchema>;

/** A campaign's settings after validation, as the loop uses them (the protocol pinned to one version). */
export interface CampaignSettings {
  readonly name: string | null;
  readonly protocolId: string;
  readonly protocolVersion: number;
  readonly parameters: readonly Parameter[];
  readonly fixed: Readonly<Record<string, number | string | boolean>>;
  readonly objective: Objective;
  readonly stopWhen?: { readonly outputs: Readonly<Record<string, Range>> };
  readonly budget: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly strategy: (typeof STRATEGIES)[number];
  readonly optimizer: OptimizerChoiceInput;
  readonly autonomyEnvelope?: { readonly parameters: Readonly<Record<string, EnvelopeBound>> };
  readonly groupBy: readonly string[];
  readonly limits: {
    readonly totalDoseKGy?: number;
    readonly consumablesMl?: Readonly<Record<string, number>>;
  };
  readonly prior: Prior;
  readonly origin?: CampaignOrigin;
  /** Searched parameters that choose a material, by name (absent when none does). */
  readonly materials?: Readonly<Record<string, MaterialSpec>>;
}

export interface CampaignOrigin {
  readonly miModelVersion: string;
  readonly proposal?: Readonly<Record<string, unknown>>;
}
