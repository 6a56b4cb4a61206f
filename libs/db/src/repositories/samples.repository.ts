import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import { TERMINAL_RUN_STATES, UNSETTLED_STEP_STATES } from '../run-transitions';
import {
  baseMaterials,
  runSamples,
  runs as runsTable,
  sampleEvents,
  samples,
  stepJournal,
  type DataOrigin,
  type RunState,
  type SampleStatus,
} from '../schema';

/** A film of another run found at (or on its way to) a position, with the states of the runs it belongs to. */
export interface ForeignSample {
  readonly id: string;
  /** Its recorded place, or "on its way to <position>" for a move sent and not confirmed. */
  readonly location: string | null;
  readonly runStates: RunState[];
}

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

  /**
   * Films of other runs lying at these positions (by the sample records), or on their way there (a move into one
   * sent and not confirmed: its worker died mid-move, or the answer was lost, and the film may lie there already
   * while its record still says where it came from), with the states of the runs still on them.
   */
  async othersAt(
    positions: readonly string[],
    ours: readonly string[],
    runId: string,
  ): Promise<ForeignSample[]> {
    if (!positions.length) return [];
    const lying = await this.db
      .select({ id: samples.id, location: samples.currentLocation, runState: runsTable.state })
      .from(samples)
      .leftJoin(runSamples, eq(runSamples.sampleId, samples.id))
      .leftJoin(runsTable, eq(runsTable.id, runSamples.runId))
      .where(and(inArray(samples.currentLocation, [...positions]), notInArray(samples.id, [...ours])));
    const destination = sql<string>`${stepJournal.request}->>'to'`;
    const moving = await this.db
      .select({
        id: stepJournal.sampleId,
        location: sql<string>`'on its way to ' || (${destination})`,
        runState: runsTable.state,
      })
      .from(stepJournal)
      .innerJoin(runsTable, eq(runsTable.id, stepJournal.runId))
      .where(
        and(
          inArray(stepJournal.state, [...UNSETTLED_STEP_STATES]),
          inArray(destination, [...positions]),
          ne(stepJournal.runId, runId),
          // An ended run's unsettled move counts too: the film may lie at its destination (the run was aborted while
          // the move was in doubt) until a person says where it is (JournalRepository.locateSample).
        ),
      );
    // A film may belong to several runs (re-used after an earlier one ended): what counts is the runs still on it.
    const bySample = new Map<string, { location: string | null; runStates: RunState[] }>();
    for (const r of [...lying, ...moving]) {
      if (!r.id) continue;
      const entry = bySample.get(r.id) ?? { location: r.location, runStates: [] };
      if (r.runState && !TERMINAL_RUN_STATES.includes(r.runState)) entry.runStates.push(r.runState);
      bySample.set(r.id, entry);
    }
    return [...bySample].map(([id, e]) => ({ id, ...e }));
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
