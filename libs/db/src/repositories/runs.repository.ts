import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { InvalidTransitionError, NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import { RUN_TRANSITIONS, TERMINAL_RUN_STATES } from '../run-transitions';
import { recipeComponents, runs, runSamples, type RunState } from '../schema';

export type Run = typeof runs.$inferSelect;

export interface NewRun {
  id?: string;
  protocolId: string;
  protocolVersion: number;
  protocolHash: string;
  parameterValues?: Record<string, unknown>;
  monomerId?: string | null;
  /** The grafting solution (RecipesRepository.upsert); monomerId defaults to its main monomer. */
  recipeId?: string | null;
  station?: string | null;
  priority?: number;
  idempotencyKey?: string | null;
  campaignId?: string | null;
  suggestionId?: string | null;
  manifestHash?: string | null;
  /** The compiled plan bound to its station, and the hash of its canonical JSON. */
  plan?: Record<string, unknown> | null;
  planHash?: string | null;
  sampleIds?: readonly string[];
  createdAt?: Date;
}

/** Run records; the queue holds only references, the database is the source of truth for state. */
export class RunsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates the run, or returns the run already created with the same idempotency key
   * (`created: false`) — the first submission wins, later parameters are ignored.
   */
  async create(input: NewRun): Promise<{ run: Run; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const monomerId =
        input.monomerId === undefined && input.recipeId
          ? await mainMonomerOf(tx, input.recipeId)
          : input.monomerId;
      const values = {
        id: input.id ?? randomUUID(),
        protocolId: input.protocolId,
        protocolVersion: input.protocolVersion,
        protocolHash: input.protocolHash,
        parameterValues: input.parameterValues ?? {},
        monomerId,
        recipeId: input.recipeId,
        station: input.station,
        priority: input.priority ?? 0,
        idempotencyKey: input.idempotencyKey,
        campaignId: input.campaignId,
        suggestionId: input.suggestionId,
        manifestHash: input.manifestHash,
        plan: input.plan,
        planHash: input.planHash,
        createdAt: input.createdAt,
      };
      const [inserted] = await tx
        .insert(runs)
        .values(values)
        .onConflictDoNothing({ target: runs.idempotencyKey })
        .returning();
      if (!inserted) {
        const [existing] = await tx
          .select()
          .from(runs)
          .where(eq(runs.idempotencyKey, input.idempotencyKey ?? ''));
        if (!existing) throw new Error(`run with idempotency key ${input.idempotencyKey} vanished`);
        return { run: existing, created: false };
      }
      if (input.sampleIds?.length) {
        await tx
          .insert(runSamples)
          .values(
            input.sampleIds.map((sampleId, i) => ({ runId: inserted.id, sampleId, position: String(i + 1) })),
          );
      }
      return { run: inserted, created: true };
    });
  }

  /** Records the recipe a run grafts with (and its main monomer as the run's monomer), once known. */
  async setRecipe(id: string, recipeId: string): Promise<Run> {
    return this.db.transaction(async (tx) => {
      const monomerId = await mainMonomerOf(tx, recipeId);
      const [row] = await tx.update(runs).set({ recipeId, monomerId }).where(eq(runs.id, id)).returning();
      if (!row) throw new NotFoundError('run', id);
      return row;
    });
  }

  async get(id: string): Promise<Run | undefined> {
    const [row] = await this.db.select().from(runs).where(eq(runs.id, id));
    return row;
  }

  async byIdempotencyKey(key: string): Promise<Run | undefined> {
    const [row] = await this.db.select().from(runs).where(eq(runs.idempotencyKey, key));
    return row;
  }

  async list(filter: { states?: readonly RunState[]; limit?: number } = {}): Promise<Run[]> {
    const q = this.db
      .select()
      .from(runs)
      .where(filter.states?.length ? inArray(runs.state, [...filter.states]) : undefined)
      .orderBy(desc(runs.priority), asc(runs.createdAt));
    return filter.limit ? q.limit(filter.limit) : q;
  }

  /** How many runs are in each state (the metrics' gauge). */
  async countByState(): Promise<Partial<Record<RunState, number>>> {
    const rows = await this.db
      .select({ state: runs.state, n: sql<number>`count(*)::int` })
      .from(runs)
      .groupBy(runs.state);
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  /** Runs not yet ended (queued, running, paused, waiting for a person) per station, for admission's choice. */
  async loadByStation(stations: readonly string[]): Promise<Map<string, number>> {
    if (!stations.length) return new Map();
    const rows = await this.db
      .select({ station: runs.station, n: sql<number>`count(*)::int` })
      .from(runs)
      .where(
        and(
          inArray(runs.state, ['queued', 'running', 'paused', 'waiting-operator']),
          inArray(runs.station, [...stations]),
        ),
      )
      .groupBy(runs.station);
    return new Map(rows.map((r) => [r.station ?? '', Number(r.n)]));
  }

  /** The queued runs of these stations, with just what a stuck-run check needs (the list may be long). */
  async queuedOn(
    stations: readonly string[],
  ): Promise<Pick<Run, 'id' | 'station' | 'priority' | 'createdAt' | 'startedAt'>[]> {
    if (!stations.length) return [];
    return this.db
      .select({
        id: runs.id,
        station: runs.station,
        priority: runs.priority,
        createdAt: runs.createdAt,
        startedAt: runs.startedAt,
      })
      .from(runs)
      .where(and(eq(runs.state, 'queued'), inArray(runs.station, [...stations])));
  }

  /**
   * Runs under way on a station: running, or started and not ended (paused, waiting for a person, or queued again
   * after a resume), oldest start first.
   */
  async underWayOn(station: string): Promise<Run[]> {
    return this.db
      .select()
      .from(runs)
      .where(
        and(
          eq(runs.station, station),
          or(
            eq(runs.state, 'running'),
            and(isNotNull(runs.startedAt), inArray(runs.state, ['paused', 'waiting-operator', 'queued'])),
          ),
        ),
      )
      .orderBy(asc(runs.startedAt));
  }

  async sampleIds(runId: string): Promise<string[]> {
    const rows = await this.db
      .select({ sampleId: runSamples.sampleId })
      .from(runSamples)
      .where(eq(runSamples.runId, runId))
      .orderBy(asc(runSamples.position));
    return rows.map((r) => r.sampleId);
  }

  /**
   * Optimistic state change: succeeds only if the run is still in `from` and `from → to` is allowed.
   * Throws InvalidTransitionError otherwise (naming the actual state) and changes nothing.
   */
  async transition(
    id: string,
    from: RunState,
    to: RunState,
    detail: { reason?: string; station?: string } = {},
  ): Promise<Run> {
    if (!RUN_TRANSITIONS[from].includes(to)) throw new InvalidTransitionError('run', id, from, to);
    const now = new Date();
    const [row] = await this.db
      .update(runs)
      .set({
        state: to,
        stateReason: detail.reason ?? null,
        ...(detail.station !== undefined ? { station: detail.station } : {}),
        ...(to === 'running' && from === 'queued' ? { startedAt: now } : {}),
        ...(TERMINAL_RUN_STATES.includes(to) ? { finishedAt: now } : {}),
      })
      .where(and(eq(runs.id, id), eq(runs.state, from)))
      .returning();
    if (row) return row;
    const current = await this.get(id);
    if (!current) throw new NotFoundError('run', id);
    throw new InvalidTransitionError('run', id, from, to, current.state);
  }

  async setManifestHash(id: string, manifestHash: string): Promise<void> {
    await this.db.update(runs).set({ manifestHash }).where(eq(runs.id, id));
  }
}

/** The recipe's position-1 monomer (the main one); NotFoundError for an unknown recipe. */
async function mainMonomerOf(db: Db, recipeId: string): Promise<string> {
  const [main] = await db
    .select({ monomerId: recipeComponents.monomerId })
    .from(recipeComponents)
    .where(and(eq(recipeComponents.recipeId, recipeId), eq(recipeComponents.role, 'monomer')))
    .orderBy(asc(recipeComponents.position))
    .limit(1);
  if (!main?.monomerId) throw new NotFoundError('recipe', recipeId);
  return main.monomerId;
}
