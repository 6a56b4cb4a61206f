import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import { baseMaterials, sampleEvents, samples, type DataOrigin, type SampleStatus } from '../schema';

export type Sample = typeof samples.$inferSelect;
export type SampleEvent = typeof sampleEvents.$inferSelect;

export interface NewSample {
  id?: string;
  barcode?: string | null;
  substrateLotId?: string | null;
  basePolymerId?: string | null;
  /** The substrate (MaterialsRepository.upsertBaseMaterial); its polymer is filled in when basePolymerId is not given. */
  baseMaterialId?: string | null;
  initialMassG?: number | null;
  location?: string | null;
  imported?: boolean;
  status?: SampleStatus;
  origin?: DataOrigin;
  sourceId?: string | null;
  createdAt?: Date;
  actor?: string;
}

/** Samples and their custody chain; every change of place or status also appends a sample event. */
export class SamplesRepository {
  constructor(private readonly db: Db) {}

  async register(input: NewSample): Promise<Sample> {
    return this.db.transaction(async (tx) => {
      let basePolymerId = input.basePolymerId;
      if (input.baseMaterialId && basePolymerId === undefined) {
        const [material] = await tx
          .select({ polymerId: baseMaterials.polymerId })
          .from(baseMaterials)
          .where(eq(baseMaterials.id, input.baseMaterialId));
        basePolymerId = material?.polymerId;
      }
      const [row] = await tx
        .insert(samples)
        .values({
          id: input.id ?? randomUUID(),
          barcode: input.barcode,
          substrateLotId: input.substrateLotId,
          basePolymerId,
          baseMaterialId: input.baseMaterialId,
          origin: input.origin,
          sourceId: input.sourceId,
          initialMassG: input.initialMassG,
          currentLocation: input.location,
          imported: input.imported ?? false,
          status: input.status ?? 'registered',
          createdAt: input.createdAt,
        })
        .returning();
      await tx
        .insert(sampleEvents)
        .values({ sampleId: row.id, kind: 'registered', toLocation: input.location, actor: input.actor });
      return row;
    });
  }

  async get(id: string): Promise<Sample | undefined> {
    const [row] = await this.db.select().from(samples).where(eq(samples.id, id));
    return row;
  }

  async byBarcode(barcode: string): Promise<Sample | undefined> {
    const [row] = await this.db.select().from(samples).where(eq(samples.barcode, barcode));
    return row;
  }

  /** Moves the sample and records where from, where to, who and why, in one transaction. */
  async move(
    id: string,
    to: string,
    detail: { actor?: string; runId?: string; reason?: string } = {},
  ): Promise<Sample> {
    return this.db.transaction((tx) => moveSampleIn(tx, id, to, detail));
  }

  /** A storage interval of the T–t log (freezer, dry ice, ...) between irradiation and grafting. */
  async recordStorage(
    id: string,
    interval: { location?: string; temperatureC: number; startedAt: Date; endedAt?: Date; actor?: string },
  ): Promise<SampleEvent> {
    const [row] = await this.db
      .insert(sampleEvents)
      .values({
        sampleId: id,
        kind: 'stored',
        toLocation: interval.location,
        temperatureC: interval.temperatureC,
        startedAt: interval.startedAt,
        endedAt: interval.endedAt,
        actor: interval.actor,
      })
      .returning();
    return row;
  }

  async setStatus(id: string, status: SampleStatus, reason?: string, actor?: string): Promise<Sample> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(samples)
        .set({ status, statusReason: reason ?? null })
        .where(eq(samples.id, id))
        .returning();
      if (!row) throw new NotFoundError('sample', id);
      await tx
        .insert(sampleEvents)
        .values({ sampleId: id, kind: 'status', actor, detail: { status, ...(reason ? { reason } : {}) } });
      return row;
    });
  }

  /** Records the substrate of a sample registered before its material was known (and its polymer with it). */
  async setBaseMaterial(id: string, baseMaterialId: string): Promise<Sample> {
    return this.db.transaction(async (tx) => {
      const [material] = await tx.select().from(baseMaterials).where(eq(baseMaterials.id, baseMaterialId));
      if (!material) throw new NotFoundError('base material', baseMaterialId);
      const [row] = await tx
        .update(samples)
        .set({ baseMaterialId, basePolymerId: material.polymerId })
        .where(eq(samples.id, id))
        .returning();
      if (!row) throw new NotFoundError('sample', id);
      return row;
    });
  }

  async setInitialMass(id: string, grams: number): Promise<void> {
    await this.db.update(samples).set({ initialMassG: grams }).where(eq(samples.id, id));
  }

  async history(id: string): Promise<SampleEvent[]> {
    return this.db
      .select()
      .from(sampleEvents)
      .where(eq(sampleEvents.sampleId, id))
      .orderBy(asc(sampleEvents.id));
  }
}

/**
 * A sample's new place and its custody event, inside the caller's transaction: the journal confirms a robot's
 * move and records where the film now lies in one commit, so no other run can find the instrument empty while
 * the film is in it.
 */
export async function moveSampleIn(
  tx: Db,
  id: string,
  to: string,
  detail: { actor?: string; runId?: string; reason?: string } = {},
): Promise<Sample> {
  const [current] = await tx.select().from(samples).where(eq(samples.id, id)).for('update');
  if (!current) throw new NotFoundError('sample', id);
  const [row] = await tx.update(samples).set({ currentLocation: to }).where(eq(samples.id, id)).returning();
  await tx.insert(sampleEvents).values({
    sampleId: id,
    kind: 'moved',
    fromLocation: current.currentLocation,
    toLocation: to,
    actor: detail.actor,
    runId: detail.runId,
    detail: detail.reason ? { reason: detail.reason } : {},
  });
  return row;
}
