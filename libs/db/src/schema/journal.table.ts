import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SettlementPolicy } from '@graftlab/protocol';
import { runs } from './runs.table';

export const STEP_STATES = [
  'planned',
  'intent-recorded',
  'dispatched',
  'acknowledged',
  'confirmed',
  'uncertain',
  'settled',
  'skipped',
  'failed',
] as const;
export type StepState = (typeof STEP_STATES)[number];

/** The step types' settlement policies are the protocol language's (one list, declared there). */
export type { SettlementPolicy };

/** Current state of each physical step attempt; its history lives in step_journal_transitions. */
export const stepJournal = pgTable(
  'step_journal',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    stepKey: text('step_key').notNull(),
    attempt: integer('attempt').notNull(),
    state: text('state').$type<StepState>().notNull(),
    /** Stable for (run, step key, attempt) so drivers can deduplicate a re-sent command. */
    commandId: text('command_id').notNull().unique(),
    deviceId: text('device_id'),
    sampleId: text('sample_id'),
    request: jsonb('request').$type<Record<string, unknown>>(),
    readBack: jsonb('read_back').$type<Record<string, unknown>>(),
    settlement: text('settlement').$type<SettlementPolicy>(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('step_journal_attempt_uq').on(t.runId, t.stepKey, t.attempt),
    index('step_journal_state_idx').on(t.state),
  ],
);

/** Append-only: one row per state change, never updated, so the history of a step is never overwritten. */
export const stepJournalTransitions = pgTable(
  'step_journal_transitions',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    journalId: bigint('journal_id', { mode: 'number' })
      .notNull()
      .references(() => stepJournal.id),
    runId: text('run_id').notNull(),
    stepKey: text('step_key').notNull(),
    attempt: integer('attempt').notNull(),
    commandId: text('command_id').notNull(),
    fromState: text('from_state').$type<StepState>(),
    toState: text('to_state').$type<StepState>().notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('step_journal_transitions_journal_idx').on(t.journalId, t.seq)],
);
