import type { Confirmation, Dispatch, JournalEntry, StepTransition } from '@graftlab/db';
import type { EngineRepositories } from './engine.repositories';

type Journal = EngineRepositories['journal'];

const keyOf = (runId: string, stepKey: string, attempt: number) => `${runId}\u0000${stepKey}\u0000${attempt}`;

/**
 * A run's journal with its confirmations pipelined: a step's confirmation is sent at once and the run goes on with
 * what precedes its next write (the safe-point check, the gate, the device reads before a dispatch) while it
 * commits; the next write of the run waits for it first, so the order of the run's journal writes is unchanged and
 * a confirmation that failed stops the run at its next write — before any further command, since every command
 * waits for its dispatch row.
 *
 * Only a confirmation may be in flight, one at a time, never a move's, and only when `deferrable` says so of its
 * step (the engine: not for a shared instrument, whose lease is given back after the step — the confirmation must
 * be written while the run still holds it). A confirmation is already committed without waiting for the WAL flush (see
 * journal.statements.ts); its loss leaves the step `dispatched`, which the reconciler settles from the device's
 * evidence. Call `settled()` before anything that must follow every confirmation (the run's end, its failure).
 */
export class PipelinedJournal implements Journal {
  /** The confirmation in flight (rejects with its error), if any. */
  private inFlight?: Promise<JournalEntry>;
  /** Rows this journal dispatched and not yet confirmed, for the row a pipelined confirmation answers with. */
  private readonly open = new Map<string, JournalEntry>();

  constructor(
    private readonly journal: Journal,
    private readonly deferrable: (row: JournalEntry) => boolean,
  ) {}

  /** Waits for the confirmation in flight; throws its error (once). */
  async settled(): Promise<void> {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    this.inFlight = undefined;
    await inFlight;
  }

  async dispatch(d: Dispatch): Promise<JournalEntry> {
    await this.settled();
    const row = await this.journal.dispatch(d);
    this.open.set(keyOf(d.runId, d.stepKey, d.attempt), row);
    return row;
  }

  async confirm(c: Confirmation): Promise<JournalEntry> {
    await this.settled();
    const key = keyOf(c.runId, c.stepKey, c.attempt);
    const dispatched = this.open.get(key);
    this.open.delete(key);
    // A move's confirmation is never deferred: the film's new place must be known before anything else happens.
    if (!dispatched || c.sampleMove || !this.deferrable(dispatched)) return this.journal.confirm(c);
    const sent = this.journal.confirm(c);
    // Handled by the next write or settled(); until then a rejection is not unhandled.
    sent.catch(() => undefined);
    this.inFlight = sent;
    const now = new Date();
    return { ...dispatched, state: 'confirmed', readBack: c.readBack, updatedAt: now, finishedAt: now };
  }

  async record(t: StepTransition): Promise<JournalEntry> {
    await this.settled();
    this.open.delete(keyOf(t.runId, t.stepKey, t.attempt));
    return this.journal.record(t);
  }

  async recordAll(transitions: readonly StepTransition[]): Promise<JournalEntry> {
    await this.settled();
    for (const t of transitions) this.open.delete(keyOf(t.runId, t.stepKey, t.attempt));
    return this.journal.recordAll(transitions);
  }

  async forRun(runId: string): Promise<JournalEntry[]> {
    await this.settled();
    return this.journal.forRun(runId);
  }

  async findUnsettled(runId?: string): Promise<JournalEntry[]> {
    await this.settled();
    return this.journal.findUnsettled(runId);
  }
}
