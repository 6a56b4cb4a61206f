import { bigint, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Append-only, hash-chained: hash = sha256(prev_hash + canonical JSON of the entry). */
export const auditLog = pgTable('audit_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actor: text('actor').notNull(),
  role: text('role'),
  action: text('action').notNull(),
  target: text('target'),
  reason: text('reason'),
  before: jsonb('before').$type<unknown>(),
  after: jsonb('after').$type<unknown>(),
  /** Unique so two writers can never fork the chain. */
  prevHash: text('prev_hash').notNull().unique(),
  hash: text('hash').notNull(),
});
