import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Periodic snapshots of what each device reports (state, counters, firmware), for health and reconciliation. */
export const deviceStatus = pgTable(
  'device_status',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deviceId: text('device_id').notNull(),
    station: text('station'),
    state: text('state').notNull(),
    driver: text('driver'),
    firmware: text('firmware'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('device_status_device_idx').on(t.deviceId, t.at)],
);
