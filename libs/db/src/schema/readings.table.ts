import { bigint, doublePrecision, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Raw device values as the device reported them, with the device's own timestamp and the host receipt time. */
export const readings = pgTable(
  'readings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deviceId: text('device_id').notNull(),
    runId: text('run_id'),
    stepKey: text('step_key'),
    sampleId: text('sample_id'),
    /** Measurand, e.g. W0, Wg, temperature, dry-mass, o2_ppm. */
    name: text('name').notNull(),
    value: doublePrecision('value'),
    unit: text('unit'),
    /** The line or frame the value was parsed from, kept for audit. */
    raw: text('raw'),
    deviceTimestamp: timestamp('device_timestamp', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('readings_sample_idx').on(t.sampleId, t.name),
    index('readings_run_idx').on(t.runId, t.stepKey),
  ],
);
