import type { Confirmation, Dispatch, JournalEntry, StepTransition } from '@graftlab/db';
import type { EngineRepositories } from './engine.repositories';

type Journal = EngineRepositories['journal'];

/** How long a confirmation waits for the run's next dispatch to ride with before it is sent alone, ms. */
export const CONFIRMATION_HOLD_MS = 10;

const keyOf = (runId: string, stepKey: string, attempt: number) => `${runId}\u0000${stepKey}\u0000${attempt}`;

/**
 * A run's journal with its confirmations pipelined: a step's confirmation is answered at once and written with the
 * run's next dispatch, in one statement and one flushed commit (`confirmAndDispatch`) — or alone, without waiting
 * for the WAL flush, when no dispatch follows within CONFIRMATION_HOLD_MS or another write or `settled()` comes
 * first. The run goes on meanwhile with what precedes its next write (the safe-point check, the gate, the device
 * reads before a dispatch). The order of the run's journal writes is unchanged, and a confirmation that fails stops
 * the run at its next write — before any further command, since every command waits for its dispatch row.
 *
 * Only one confirmation is outstanding at a time, never a move's, and only when `deferrable` says so of its step
 * (the engine: not for a shared instrument, whose lease is given back after the step — the confirmation must be
 * written while the run still holds it). A confirmation's loss is what exactly-once tolerates (see
 * journal.statements.ts): its step stays `dispatched`, and the reconciler settles it from the device's evidence, as
 * after any crash between command and confirmation. Call `settled()` before anything that must follow every
 * confirmation (the run's end, its failure).
 */
export class PipelinedJournal implements Journal {
  /** A confirmation not sent yet, waiting for the next dispatch. */
  private held?: { confirmation: Confirmation; timer: NodeJS.Timeout };
  /** The confirmation sent alone and not known to be written (rejects with its error), if any. */
  private inFlight?: Promise<JournalEntry>;
  /** Rows this journal dispatched and not yet confirmed, for the row a pipelined confirmation answers with. */
  private readonly open = new Map<string, JournalEntry>();

  constructor(
    private readonly journal: Journal,
    private readonly deferrable: (row: JournalEntry) => boolean,
  ) {}

  /** Sends the held confirmation (if any) and waits for it; throws its error (once). */
  async settled(): Promise<void> {
    this.sendHeld();
    const inFlight = this.inFlight;
    if (!inFlight) return;
    this.inFlight = undefined;
    await inFlight;
  }

  async dispatch(d: Dispatch): Promise<JournalEntry> {
    const held = this.take();
    let row: JournalEntry;
    if (held) row = await this.journal.confirmAndDispatch(held, d);
    else {
      await this.settled();
      row = await this.journal.dispatch(d);
    }
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
    this.held = { confirmation: c, timer: setTimeout(() => this.sendHeld(), CONFIRMATION_HOLD_MS) };
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

  confirmAndDispatch(c: Confirmation, d: Dispatch): Promise<JournalEntry> {
    return this.confirm(c).then(() => this.dispatch(d));
  }

  async forRun(runId: string): Promise<JournalEntry[]> {
    await this.settled();
    return this.journal.forRun(runId);
  }

  async findUnsettled(runId?: string): Promise<JournalEntry[]> {
    await this.settled();
    return this.journal.findUnsettled(runId);
  }

  /** The held confirmation, no longer held. */
  private take(): Confirmation | undefined {
    const held = this.held;
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.held = undefined;
    return held.confirmation;
  }

  /** The held confirmation, sent alone: the next write waits for it. */
  private sendHeld(): void {
    const confirmation = this.take();
    if (!confirmation) return;
    const sent = this.journal.confirm(confirmation);
    // Handled by the next write or settled(); until then a rejection is not unhandled.
    sent.catch(() => undefined);
    this.inFlight = sent;
  }
}
