import { and, asc, eq, inArray } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../canonical-json';
import { InvalidTransitionError } from '../db.errors';
import type { Db } from '../db.types';
import { STEP_TRANSITIONS, UNSETTLED_STEP_STATES } from '../run-transitions';
import { stepJournal, stepJournalTransitions, type SettlementPolicy, type StepState } from '../schema';
import { moveSampleIn } from './samples.repository';

export type JournalEntry = typeof stepJournal.$inferSelect;
export type JournalTransition = typeof stepJournalTransitions.$inferSelect;

/** Stable for (run, step key, attempt): a re-sent command carries the same id and drivers drop the duplicate. */
export function commandIdFor(runId: string, stepKey: string, attempt: number): string {
  return 'cmd-' + sha256Hex(canonicalJson([runId, stepKey, attempt])).slice(0, 32);
}

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
