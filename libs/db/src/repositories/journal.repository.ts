import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../canonical-json';
import { InvalidTransitionError, NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import { STEP_TRANSITIONS, TERMINAL_RUN_STATES, UNSETTLED_STEP_STATES } from '../run-transitions';
import { runs, stepJournal, stepJournalTransitions, type SettlementPolicy, type StepState } from '../schema';
import { confirmAndDispatchStatement, confirmStatement, dispatchStatement } from './journal.statements';
import type { NewReading } from './readings.repository';
import { moveSampleIn } from './samples.repository';

export type JournalEntry = typeof stepJournal.$inferSelect;
export type JournalTransition = typeof stepJournalTransitions.$inferSelect;

/** Stable for (run, step key, attempt): a re-sent command carries the same id and drivers drop the duplicate. */
export function commandIdFor(runId: string, stepKey: string, attempt: number): string {
  // The engine asks for a step's id when it dispatches and when it commands: the last few are remembered.
  const key = `${runId}\u0000${stepKey}\u0000${attempt}`;
  let id = recentCommandIds.get(key);
  if (id === undefined) {
    id = 'cmd-' + sha256Hex(canonicalJson([runId, stepKey, attempt])).slice(0, 32);
    if (recentCommandIds.size >= 256) recentCommandIds.clear();
    recentCommandIds.set(key, id);
  }
  return id;
}
const recentCommandIds = new Map<string, string>();

/** States a step attempt may be created in. */
const INITIAL_STEP_STATES: readonly StepState[] = ['planned', 'intent-recorded'];

export interface StepTransition {
  runId: string;
  stepKey: string;
  attempt: number;
  to: StepState;
  /** Optimistic check: refuse unless the step is currently in this state (undefined = not yet journaled). */
  expectedFrom?: StepState | null;
  deviceId?: string;
  sampleId?: string;
  request?: Record<string, unknown>;
  readBack?: Record<string, unknown>;
  settlement?: SettlementPolicy;
  reason?: string;
  /** A move whose effect this transition confirms: the sample's location is written in the same commit. */
  sampleMove?: { sampleId: string; to: string; actor?: string; reason?: string };
}

/** A new step attempt, dispatched: its intent and the dispatch are durable before the command is sent. */
export interface Dispatch {
  runId: string;
  stepKey: string;
  attempt: number;
  deviceId?: string;
  sampleId?: string;
  request: Record<string, unknown>;
  settlement: SettlementPolicy;
  /** Readings taken at the dispatch (e.g. the moment of monomer contact), written with it. */
  readings?: readonly NewReading[];
}

/** A step attempt confirmed by its device's read-back. */
export interface Confirmation {
  runId: string;
  stepKey: string;
  attempt: number;
  readBack: Record<string, unknown>;
  /** Readings of the read-back (e.g. the delivered volume), written with the confirmation. */
  readings?: readonly NewReading[];
  /** A move the confirmation proves: the film's new place is written with it (and flushed, as every move). */
  sampleMove?: { sampleId: string; to: string; actor?: string; reason?: string };
}

type RawRow = Record<string, unknown>;

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** A step_journal row as a raw statement returns it (snake_case, int8 as text) → the repository's row. */
function journalEntryOf(r: RawRow): JournalEntry {
  return {
    id: Number(r.id),
    runId: r.run_id as string,
    stepKey: r.step_key as string,
    attempt: Number(r.attempt),
    state: r.state as StepState,
    commandId: r.command_id as string,
    deviceId: (r.device_id as string | null) ?? null,
    sampleId: (r.sample_id as string | null) ?? null,
    request: (r.request as Record<string, unknown> | null) ?? null,
    readBack: (r.read_back as Record<string, unknown> | null) ?? null,
    settlement: (r.settlement as SettlementPolicy | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    createdAt: asDate(r.created_at)!,
    updatedAt: asDate(r.updated_at)!,
    dispatchedAt: asDate(r.dispatched_at),
    acknowledgedAt: asDate(r.acknowledged_at),
    finishedAt: asDate(r.finished_at),
  };
}

/** A unique-key violation (SQLSTATE 23505), looking through drizzle's wrapper. */
function isUniqueViolation(e: unknown): boolean {
  for (let x = e as { code?: string; cause?: unknown } | undefined; x; x = x.cause as typeof x)
    if (x.code === '23505') return true;
  return false;
}

/** States a step attempt may be confirmed from. */
const CONFIRMABLE = (Object.keys(STEP_TRANSITIONS) as StepState[]).filter((s) =>
  STEP_TRANSITIONS[s].includes('confirmed'),
);

/** The step journal: every physical step's state, written durably before the next move. */
export class JournalRepository {
  constructor(private readonly db: Db) {}

  /**
   * Moves one step attempt to `to`: updates (or creates) its current row and appends the transition,
   * in one transaction, so the current state and its history can never disagree.
   */
  async record(t: StepTransition): Promise<JournalEntry> {
    return this.db.transaction((tx) => this.apply(tx, t));
  }

  /**
   * Several consecutive moves of one step in one transaction (e.g. intent-recorded then dispatched, with nothing
   * physical between them): each is checked as `record` would, and all are durable before the caller goes on.
   */
  async recordAll(transitions: readonly StepTransition[]): Promise<JournalEntry> {
    if (!transitions.length) throw new Error('recordAll needs at least one transition');
    return this.db.transaction(async (tx) => {
      let row!: JournalEntry;
      for (const t of transitions) row = await this.apply(tx, t);
      return row;
    });
  }

  private async apply(tx: Db, t: StepTransition): Promise<JournalEntry> {
    const row = await this.applyStep(tx, t);
    if (t.sampleMove)
      await moveSampleIn(tx, t.sampleMove.sampleId, t.sampleMove.to, {
        actor: t.sampleMove.actor,
        runId: t.runId,
        reason: t.sampleMove.reason,
      });
    return row;
  }

  private async applyStep(tx: Db, t: StepTransition): Promise<JournalEntry> {
    const [current] = await tx
      .select()
      .from(stepJournal)
      .where(
        and(
          eq(stepJournal.runId, t.runId),
          eq(stepJournal.stepKey, t.stepKey),
          eq(stepJournal.attempt, t.attempt),
        ),
      )
      .for('update');
    const commandId = commandIdFor(t.runId, t.stepKey, t.attempt);
    const label = `${t.runId}/${t.stepKey}#${t.attempt}`;
    if (t.expectedFrom !== undefined && (current?.state ?? null) !== t.expectedFrom) {
      throw new InvalidTransitionError(
        'step',
        label,
        t.expectedFrom ?? '(none)',
        t.to,
        current?.state ?? '(none)',
      );
    }
    const now = new Date();
    const timestamps = {
      ...(t.to === 'dispatched' ? { dispatchedAt: now } : {}),
      ...(t.to === 'acknowledged' ? { acknowledgedAt: now } : {}),
      ...(STEP_TRANSITIONS[t.to].length === 0 ? { finishedAt: now } : {}),
    };
    let row: JournalEntry;
    if (!current) {
      if (!INITIAL_STEP_STATES.includes(t.to))
        throw new InvalidTransitionError('step', label, '(none)', t.to);
      [row] = await tx
        .insert(stepJournal)
        .values({
          runId: t.runId,
          stepKey: t.stepKey,
          attempt: t.attempt,
          state: t.to,
          commandId,
          deviceId: t.deviceId,
          sampleId: t.sampleId,
          request: t.request,
          readBack: t.readBack,
          settlement: t.settlement,
          reason: t.reason,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
    } else {
      if (!STEP_TRANSITIONS[current.state].includes(t.to)) {
        throw new InvalidTransitionError('step', label, current.state, t.to);
      }
      [row] = await tx
        .update(stepJournal)
        .set({
          state: t.to,
          updatedAt: now,
          ...timestamps,
          ...(t.deviceId !== undefined ? { deviceId: t.deviceId } : {}),
          ...(t.sampleId !== undefined ? { sampleId: t.sampleId } : {}),
          ...(t.request !== undefined ? { request: t.request } : {}),
          ...(t.readBack !== undefined ? { readBack: t.readBack } : {}),
          ...(t.settlement !== undefined ? { settlement: t.settlement } : {}),
          ...(t.reason !== undefined ? { reason: t.reason } : {}),
        })
        .where(eq(stepJournal.id, current.id))
        .returning();
    }
    await tx.insert(stepJournalTransitions).values({
      journalId: row.id,
      runId: t.runId,
      stepKey: t.stepKey,
      attempt: t.attempt,
      commandId,
      fromState: current?.state ?? null,
      toState: t.to,
      detail: {
        ...(t.deviceId !== undefined ? { deviceId: t.deviceId } : {}),
        ...(t.request !== undefined ? { request: t.request } : {}),
        ...(t.readBack !== undefined ? { readBack: t.readBack } : {}),
        ...(t.settlement !== undefined ? { settlement: t.settlement } : {}),
        ...(t.reason !== undefined ? { reason: t.reason } : {}),
      },
      at: now,
    });
    return row;
  }

  /**
   * A new attempt recorded and dispatched in one statement (the engine's hot path; see journal.statements.ts):
   * the same rows and transitions as `recordAll([intent-recorded, dispatched])`, in one round trip. An attempt
   * already journaled is refused (the unique key of run, step and attempt).
   */
  async dispatch(d: Dispatch): Promise<JournalEntry> {
    const commandId = commandIdFor(d.runId, d.stepKey, d.attempt);
    try {
      const result = (await this.db.execute(
        dispatchStatement({ ...d, commandId, readings: d.readings ?? [] }),
      )) as unknown as { rows: RawRow[] };
      return journalEntryOf(result.rows[0]);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new InvalidTransitionError(
          'step',
          `${d.runId}/${d.stepKey}#${d.attempt}`,
          '(exists)',
          'dispatched',
        );
      throw e;
    }
  }

  /**
   * An attempt confirmed with its read-back and readings in one statement; refused (nothing written) unless the
   * attempt is in a state a confirmation may follow. With a sample move, the film's new place is written in the
   * same statement (as `record` does), or nothing when the film is unknown.
   */
  async confirm(c: Confirmation): Promise<JournalEntry> {
    const result = (await this.db.execute(
      confirmStatement({ ...c, from: CONFIRMABLE, readings: c.readings ?? [] }),
    )) as unknown as { rows: RawRow[] };
    const row = result.rows[0];
    const label = `${c.runId}/${c.stepKey}#${c.attempt}`;
    if (c.sampleMove && row && Number(row.sample_found) === 0)
      throw new NotFoundError('sample', c.sampleMove.sampleId);
    if (!row) throw new InvalidTransitionError('step', label, '(none)', 'confirmed');
    if (row.id === null || row.id === undefined)
      throw new InvalidTransitionError('step', label, row.previous_state as string, 'confirmed');
    return journalEntryOf(row);
  }

  /**
   * A person found a film and says where it lies (it was taken out of an instrument, or found where a move of an
   * ended run left it): its place and custody event are written, and the moves of ended runs still unsettled for
   * it are settled with what the person found, in one commit. Until then such a move pins its destination: the
   * film may lie there (see `SamplesRepository.othersAt`). Moves of runs still under way are their runs' to settle.
   */
  async locateSample(
    sampleId: string,
    location: string,
    detail: { actor: string; reason: string },
  ): Promise<{ settled: string[] }> {
    return this.db.transaction(async (tx) => {
      await moveSampleIn(tx, sampleId, location, { actor: detail.actor, reason: detail.reason });
      const open = await tx
        .select({ runId: stepJournal.runId, stepKey: stepJournal.stepKey, attempt: stepJournal.attempt })
        .from(stepJournal)
        .innerJoin(runs, eq(runs.id, stepJournal.runId))
        .where(
          and(
            eq(stepJournal.sampleId, sampleId),
            inArray(stepJournal.state, [...UNSETTLED_STEP_STATES]),
            // A move is a row with a destination, as `SamplesRepository.othersAt` reads it.
            isNotNull(sql`${stepJournal.request}->>'to'`),
            inArray(runs.state, [...TERMINAL_RUN_STATES]),
          ),
        );
      for (const m of open)
        await this.applyStep(tx, {
          ...m,
          to: 'settled',
          readBack: { byOperator: true, located: location, actor: detail.actor },
          reason: `the film was found at ${location} by ${detail.actor}: ${detail.reason}`,
        });
      return { settled: open.map((m) => `${m.runId}/${m.stepKey}#${m.attempt}`) };
    });
  }

  /**
   * `confirm(c)` then `dispatch(d)` in one statement and one flushed commit (the engine's hot path: a step's
   * confirmation rides with the next step's dispatch). The same rows and refusals as the two calls: a refused
   * confirmation writes nothing and throws as `confirm` does; a dispatch refused because its attempt exists leaves
   * the confirmation written and throws as `dispatch` does. Not for a confirmation with a sample move.
   */
  async confirmAndDispatch(c: Confirmation, d: Dispatch): Promise<JournalEntry> {
    if (c.sampleMove) throw new Error('confirmAndDispatch: a move is confirmed on its own (confirm)');
    const commandId = commandIdFor(d.runId, d.stepKey, d.attempt);
    let result: { rows: RawRow[] };
    try {
      result = (await this.db.execute(
        confirmAndDispatchStatement(
          { ...c, from: CONFIRMABLE, readings: c.readings ?? [] },
          { ...d, commandId, readings: d.readings ?? [] },
        ),
      )) as unknown as { rows: RawRow[] };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // The attempt to dispatch exists (nothing was written): the confirmation alone, then the dispatch's refusal.
      await this.confirm(c);
      throw new InvalidTransitionError(
        'step',
        `${d.runId}/${d.stepKey}#${d.attempt}`,
        '(exists)',
        'dispatched',
      );
    }
    const row = result.rows[0];
    const label = `${c.runId}/${c.stepKey}#${c.attempt}`;
    if (!row) throw new InvalidTransitionError('step', label, '(none)', 'confirmed');
    if (row.id === null || row.id === undefined)
      throw new InvalidTransitionError('step', label, row.previous_state as string, 'confirmed');
    return journalEntryOf(row);
  }

  /** Steps left in flight (intent-recorded, dispatched, acknowledged, uncertain): reconcile these on restart. */
  async findUnsettled(runId?: string): Promise<JournalEntry[]> {
    const unsettled = inArray(stepJournal.state, [...UNSETTLED_STEP_STATES]);
    return this.db
      .select()
      .from(stepJournal)
      .where(runId ? and(unsettled, eq(stepJournal.runId, runId)) : unsettled)
      .orderBy(asc(stepJournal.id));
  }

  async forRun(runId: string): Promise<JournalEntry[]> {
    return this.db
      .select()
      .from(stepJournal)
      .where(eq(stepJournal.runId, runId))
      .orderBy(asc(stepJournal.id));
  }

  async byCommandId(commandId: string): Promise<JournalEntry | undefined> {
    const [row] = await this.db.select().from(stepJournal).where(eq(stepJournal.commandId, commandId));
    return row;
  }

  async transitions(runId: string, stepKey?: string): Promise<JournalTransition[]> {
    const byRun = eq(stepJournalTransitions.runId, runId);
    return this.db
      .select()
      .from(stepJournalTransitions)
      .where(stepKey ? and(byRun, eq(stepJournalTransitions.stepKey, stepKey)) : byRun)
      .orderBy(asc(stepJournalTransitions.seq));
  }
}
