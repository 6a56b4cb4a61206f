import { asc, desc, gt, sql } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { auditLog } from '../schema';

export type AuditEntry = typeof auditLog.$inferSelect;

export interface NewAuditEntry {
  actor: string;
  role?: string | null;
  action: string;
  target?: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
  at?: Date;
}

export type AuditVerification =
  { ok: true; entries: number } | { ok: false; firstBrokenSeq: number; reason: string };

/** prev_hash of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** hash = sha256(prev hash + canonical JSON of everything else in the entry). */
export function auditHash(prevHash: string, entry: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return sha256Hex(
    prevHash +
      canonicalJson({
        seq: entry.seq,
        at: entry.at.toISOString(),
        actor: entry.actor,
        role: entry.role ?? null,
        action: entry.action,
        target: entry.target ?? null,
        reason: entry.reason ?? null,
        before: entry.before ?? null,
        after: entry.after ?? null,
      }),
  );
}

/** Append-only, tamper-evident audit log (hash chain). Nothing here updates or deletes a row. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async append(input: NewAuditEntry): Promise<AuditEntry> {
    return this.db.transaction(async (tx) => {
      // Self-conflicting lock: appenders queue up, readers are not blocked, the chain never forks.
      await tx.execute(sql`lock table ${auditLog} in share row exclusive mode`);
      const [last] = await tx.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
      const entry = {
        seq: (last?.seq ?? 0) + 1,
        // Millisecond precision: what a JS Date can carry through the database unchanged.
        at: input.at ?? new Date(),
        actor: input.actor,
        role: input.role ?? null,
        action: input.action,
        target: input.target ?? null,
        reason: input.reason ?? null,
        before: input.before ?? null,
        after: input.after ?? null,
      };
      const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
      const [row] = await tx
        .insert(auditLog)
        .values({ ...entry, prevHash, hash: auditHash(prevHash, entry) })
        .returning();
      return row;
    });
  }

  async list(afterSeq = 0, limit = 100): Promise<AuditEntry[]> {
    return this.db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, afterSeq))
      .orderBy(asc(auditLog.seq))
      .limit(limit);
  }

  /** Recomputes the chain from the start; names the first entry whose content, link or position is wrong. */
  async verifyAuditChain(pageSize = 500): Promise<AuditVerification> {
    let prevHash = AUDIT_GENESIS_HASH;
    let expectedSeq = 1;
    for (;;) {
      const page = await this.list(expectedSeq - 1, pageSize);
      for (const row of page) {
        if (row.seq !== expectedSeq) {
          return { ok: false, firstBrokenSeq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
        }
        if (row.prevHash !== prevHash) {
          return {
            ok: false,
            firstBrokenSeq: row.seq,
            reason: 'prev_hash does not match the previous entry',
          };
        }
        if (auditHash(prevHash, row) !== row.hash) {
          return { ok: false, firstBrokenSeq: row.seq, reason: 'content does not match its hash (edited)' };
        }
        prevHash = row.hash;
        expectedSeq++;
      }
      if (page.length < pageSize) return { ok: true, entries: expectedSeq - 1 };
    }
  }
}
