import { bigint, doublePrecision, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { runs } from './runs.table';
import { samples } from './samples.table';

/** Delivered dose per sample across pauses and crashes; one row per exposure command (unique command id). */
export const doseLedger = pgTable(
  'dose_ledger',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    runId: text('run_id').references(() => runs.id),
    stepKey: text('step_key').notNull(),
    commandId: text('command_id').notNull().unique(),
    plannedKGy: doublePrecision('planned_kgy').notNull(),
    deliveredKGy: doublePrecision('delivered_kgy').notNull(),
    /** Decay-corrected dose rate at the position used. */
    doseRateKGyPerH: doublePrecision('dose_rate_kgy_per_h'),
    position: text('position'),
    calibrationId: text('calibration_id'),
    /** From the shutter controller's own edge timestamps, never from host timing. */
    actualExposureMs: doublePrecision('actual_exposure_ms'),
    source: text('source'),
    atmosphere: text('atmosphere'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dose_ledger_sample_idx').on(t.sampleId)],
);
