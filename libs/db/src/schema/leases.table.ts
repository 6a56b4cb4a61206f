import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One row per shared instrument currently (or formerly) leased; expiry lets a dead holder's lease be taken over. */
export const leases = pgTable('leases', {
  resource: text('resource').primaryKey(),
  holder: text('holder').notNull(),
  runId: text('run_id'),
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
