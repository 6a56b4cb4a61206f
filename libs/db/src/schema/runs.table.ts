import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { campaigns, suggestions } from './campaigns.table';
import { monomers } from './materials.table';
import { protocolVersions } from './protocols.table';
import { recipes } from './recipes.table';
import { samples } from './samples.table';

export const RUN_STATES = [
  'queued',
  'running',
  'paused',
  'waiting-operator',
  /** Its films park in a soak bath until the next measurement visit; it holds no station meanwhile. */
  'soaking',
  'completed',
  'failed',
  'aborted',
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    protocolId: text('protocol_id').notNull(),
    protocolVersion: integer('protocol_version').notNull(),
    protocolHash: text('protocol_hash').notNull(),
    parameterValues: jsonb('parameter_values').$type<Record<string, unknown>>().notNull().default({}),
    /** The monomer this run grafts, when the protocol names one (export and filters join on it). */
    monomerId: text('monomer_id').references(() => monomers.id),
    /** The grafting solution (all monomers, solvents, surfactant, crosslinker); its main monomer is monomerId. */
    recipeId: text('recipe_id').references(() => recipes.id),
    station: text('station'),
    state: text('state').$type<RunState>().notNull().default('queued'),
    stateReason: text('state_reason'),
    priority: integer('priority').notNull().default(0),
    /** Client-supplied; a second submission with the same key returns the first run. */
    idempotencyKey: text('idempotency_key').unique(),
    campaignId: text('campaign_id').references(() => campaigns.id),
    suggestionId: text('suggestion_id').references(() => suggestions.id),
    manifestHash: text('manifest_hash'),
    /** The compiled plan bound to its station, stored at admission; the worker and the reconciler read it. */
    plan: jsonb('plan').$type<Record<string, unknown>>(),
    /** sha256 of the stored plan's canonical JSON: the worker refuses a plan that does not match it. */
    planHash: text('plan_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      columns: [t.protocolId, t.protocolVersion],
      foreignColumns: [protocolVersions.protocolId, protocolVersions.version],
    }),
    index('runs_state_idx').on(t.state),
    index('runs_campaign_idx').on(t.campaignId),
  ],
);

/** Which samples a run processes (one run may graft several films). */
export const runSamples = pgTable(
  'run_samples',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    /** Slot or rack position of the sample in the run. */
    position: text('position'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.sampleId] }), index('run_samples_sample_idx').on(t.sampleId)],
);
