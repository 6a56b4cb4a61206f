import { bigint, pgSequence, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Fencing tokens of lease grants: one sequence for every resource, so a generation never repeats nor goes back,
 * even when a released lease's row is deleted and the resource is leased afresh.
 */
export const leaseGenerations = pgSequence('lease_generation_seq', { startWith: 1, increment: 1 });

/** One row per shared instrument currently (or formerly) leased; expiry lets a dead holder's lease be taken over. */
export const leases = pgTable('leases', {
  resource: text('resource').primaryKey(),
  holder: text('holder').notNull(),
  runId: text('run_id'),
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** The grant's fencing token: a new value on every grant and take-over, kept while the holder renews. */
  generation: bigint('generation', { mode: 'number' })
    .notNull()
    .default(sql`nextval('lease_generation_seq')`),
});
