import { bigint, doublePrecision, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { samples } from './samples.table';

export const SAMPLE_EVENT_KINDS = ['registered', 'moved', 'stored', 'handover', 'status'] as const;
export type SampleEventKind = (typeof SAMPLE_EVENT_KINDS)[number];

/** Append-only custody chain of a sample: every move, handover and storage interval (T–t log). */
export const sampleEvents = pgTable(
  'sample_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sampleId: text('sample_id')
      .notNull()
      .references(() => samples.id),
    kind: text('kind').$type<SampleEventKind>().notNull(),
    fromLocation: text('from_location'),
    toLocation: text('to_location'),
    /** Storage temperature for `stored` intervals (freezer, dry ice, room). */
    temperatureC: doublePrecision('temperature_c'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    actor: text('actor'),
    runId: text('run_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sample_events_sample_idx').on(t.sampleId, t.id)],
);
