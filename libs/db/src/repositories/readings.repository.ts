import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db.types';
import { readings } from '../schema';

export type Reading = typeof readings.$inferSelect;
export type NewReading = Omit<typeof readings.$inferInsert, 'id'>;

/** Raw device values, append-only. */
export class ReadingsRepository {
  constructor(private readonly db: Db) {}

  async append(...values: NewReading[]): Promise<void> {
    if (values.length) await this.db.insert(readings).values(values);
  }

  async forSample(sampleId: string, names?: readonly string[]): Promise<Reading[]> {
    const bySample = eq(readings.sampleId, sampleId);
    return this.db
      .select()
      .from(readings)
      .where(names?.length ? and(bySample, inArray(readings.name, [...names])) : bySample)
      .orderBy(asc(readings.id));
  }

  async forRun(runId: string, stepKey?: string): Promise<Reading[]> {
    const byRun = eq(readings.runId, runId);
    return this.db
      .select()
      .from(readings)
      .where(stepKey ? and(byRun, eq(readings.stepKey, stepKey)) : byRun)
      .orderBy(asc(readings.id));
  }
}
