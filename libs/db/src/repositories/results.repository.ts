import { and, asc, eq, inArray } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { outbox, results } from '../schema';

export type Result = typeof results.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;

export interface NewResult {
  sampleId: string;
  name: string;
  value: number;
  unit?: string | null;
  uncertainty?: number | null;
  manifestHash?: string | null;
  computedAt?: Date;
}

/** Deterministic id of a result: a replay of the same run computes the same id, and the insert collides. */
export function resultIdFor(runId: string, sampleId: string, name: string): string {
  return 'res-' + sha256Hex(canonicalJson([runId, sampleId, name])).slice(0, 32);
}

/** Results and the outbox that feeds them to the optimizer exactly once per result id. */
export class ResultsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes the results and their outbox rows in one transaction. Replaying the same (run, sample, name)
   * changes nothing: the first write wins and the returned count says how many rows were new.
   */
  async recordResults(
    runId: string,
    items: readonly NewResult[],
  ): Promise<{ inserted: number; ids: string[] }> {
    const rows = items.map((r) => ({
      id: resultIdFor(runId, r.sampleId, r.name),
      runId,
      sampleId: r.sampleId,
      name: r.name,
      value: r.value,
      unit: r.unit ?? null,
      uncertainty: r.uncertainty ?? null,
      manifestHash: r.manifestHash ?? null,
      computedAt: r.computedAt ?? new Date(),
    }));
    if (rows.length === 0) return { inserted: 0, ids: [] };
    return this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(results)
        .values(rows)
        .onConflictDoNothing()
        .returning({ id: results.id });
      const fresh = new Set(inserted.map((r) => r.id));
      const payloads = rows
        .filter((r) => fresh.has(r.id))
        .map((r) => ({ id: r.id, payload: { ...r, computedAt: r.computedAt.toISOString() } }));
      if (payloads.length) await tx.insert(outbox).values(payloads).onConflictDoNothing();
      return { inserted: inserted.length, ids: rows.map((r) => r.id) };
    });
  }

  async forRun(runId: string): Promise<Result[]> {
    return this.db.select().from(results).where(eq(results.runId, runId)).orderBy(asc(results.name));
  }

  async forSample(sampleId: string): Promise<Result[]> {
    return this.db.select().from(results).where(eq(results.sampleId, sampleId)).orderBy(asc(results.name));
  }

  /** Outbox rows not yet delivered, oldest first. */
  async pendingOutbox(limit = 100): Promise<OutboxRow[]> {
    return this.db
      .select()
      .from(outbox)
      .where(eq(outbox.state, 'pending'))
      .orderBy(asc(outbox.createdAt), asc(outbox.id))
      .limit(limit);
  }

  /** Marks rows delivered after the consumer acknowledged them; delivering twice is harmless. */
  async markDelivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(outbox)
      .set({ state: 'delivered', deliveredAt: new Date() })
      .where(and(inArray(outbox.id, [...ids]), eq(outbox.state, 'pending')));
  }
}
