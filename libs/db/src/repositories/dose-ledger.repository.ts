import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.types';
import { doseLedger } from '../schema';

export type DoseRecord = typeof doseLedger.$inferSelect;
export type NewDoseRecord = Omit<typeof doseLedger.$inferInsert, 'id'>;

/** Per-sample dose, accumulated across pauses and crashes; appending the same command twice counts once. */
export class DoseLedgerRepository {
  constructor(private readonly db: Db) {}

  /** Returns false when the command id was already recorded (replay after a crash). */
  async append(record: NewDoseRecord): Promise<boolean> {
    const rows = await this.db
      .insert(doseLedger)
      .values(record)
      .onConflictDoNothing({ target: doseLedger.commandId })
      .returning({ id: doseLedger.id });
    return rows.length === 1;
  }

  /** Total delivered dose in kGy (0 when the sample was never irradiated). */
  async deliveredDose(sampleId: string): Promise<number> {
    const [row] = await this.db
      .select({ total: sql<string | number | null>`sum(${doseLedger.deliveredKGy})` })
      .from(doseLedger)
      .where(eq(doseLedger.sampleId, sampleId));
    return Number(row?.total ?? 0);
  }

  async forSample(sampleId: string): Promise<DoseRecord[]> {
    return this.db
      .select()
      .from(doseLedger)
      .where(eq(doseLedger.sampleId, sampleId))
      .orderBy(asc(doseLedger.id));
  }
}
