import { doublePrecision, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { runs } from './runs.table';
import { samples } from './samples.table';

/** Named outputs (degreeOfGrafting, IEC, ...). The id is derived from (run, sample, name) so replays collide. */
export const results = pgTable(
  'results',
  {
    id: text('id').primaryKey(),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    name: text('name').notNull(),
    value: doublePrecision('value').notNull(),
    unit: text('unit'),
    /** Standard uncertainty (k = 1) in the same unit; the optimizer uses it as observation noise. */
    uncertainty: doublePrecision('uncertainty'),
    manifestHash: text('manifest_hash'),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('results_run_sample_name_uq').on(t.runId, t.sampleId, t.name),
    index('results_sample_idx').on(t.sampleId),
  ],
);

export const OUTBOX_STATES = ['pending', 'delivered'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** Written in the same transaction as the result; a feeder delivers pending rows and marks them. */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id')
      .primaryKey()
      .references(() => results.id),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state').$type<OutboxState>().notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('outbox_state_idx').on(t.state)],
);
