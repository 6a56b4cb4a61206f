import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { protocols } from './protocols.table';

export const CAMPAIGN_STATES = ['draft', 'active', 'paused', 'completed', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const campaigns = pgTable('campaigns', {
  id: text('id').primaryKey(),
  name: text('name'),
  protocolId: text('protocol_id')
    .notNull()
    .references(() => protocols.id),
  /** Search space: parameter names with bounds/choices (shape owned by the optimizer library). */
  space: jsonb('space').$type<Record<string, unknown>>().notNull(),
  objective: jsonb('objective').$type<Record<string, unknown>>().notNull(),
  /** Maximum number of runs the campaign may spend. */
  budget: integer('budget').notNull(),
  batchSize: integer('batch_size').notNull().default(1),
  /** What the optimizer may queue without a human approving (bounds, max dose, ...). */
  autonomyEnvelope: jsonb('autonomy_envelope').$type<Record<string, unknown>>().notNull().default({}),
  state: text('state').$type<CampaignState>().notNull().default('draft'),
  optimizerKind: text('optimizer_kind').notNull(),
  optimizerUrl: text('optimizer_url'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const SUGGESTION_STATES = [
  'proposed',
  'approved',
  'rejected',
  'queued',
  'completed',
  'failed',
] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];

export const suggestions = pgTable(
  'suggestions',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    batch: integer('batch').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    modelVersion: text('model_version'),
    acquisitionValue: doublePrecision('acquisition_value'),
    state: text('state').$type<SuggestionState>().notNull().default('proposed'),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    reason: text('reason'),
    /** No foreign key: runs reference suggestions, and one direction is enough for integrity. */
    runId: text('run_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('suggestions_campaign_idx').on(t.campaignId, t.batch)],
);
