import { commandIdFor, type JournalEntry, type NewReading } from '@graftlab/db';
import { DeviceError } from '@graftlab/devices';
import type { SettlementPolicy } from '@graftlab/protocol';
import { NothingDelivered, OperatorNeededError, SafetyRefusal } from './engine.errors';
import { LeaseLost } from './lease-fence';
import type { RunContext } from './run-context';

/** How the journal says a step key stands when a run (re)starts. */
export type JournalVerdict =
  | { kind: 'new'; attempt: number }
  | { kind: 'done'; row: JournalEntry }
  | { kind: 'resume'; row: JournalEntry }; // in flight but resumable by the engine (timed steps)

const FINAL_DONE = new Set(['confirmed', 'skipped']);

export function verdictOf(ctx: RunContext, journalKey: string, resumable: boolean): JournalVerdict {
  const row = ctx.journalRows.get(journalKey);
  if (!row) return { kind: 'new', attempt: 1 };
  if (FINAL_DONE.has(row.state)) return { kind: 'done', row };
  if (row.state === 'settled') {
    // The reconciler settled it: either the effect happened (done) or the step must run again.
    const resolution = (row.readBack as { resolution?: string } | null)?.resolution;
    return resolution === 'done' ? { kind: 'done', row } : { kind: 'new', attempt: row.attempt + 1 };
  }
  if (row.state === 'failed') return { kind: 'new', attempt: row.attempt + 1 };
  if (resumable) return { kind: 'resume', row };
  // Unsettled physical steps are reconciled before the engine runs; reaching one here is a bug or a race.
  throw new OperatorNeededError(
    `step ${journalKey} is ${row.state} and was not reconciled; check the device and resolve it`,
  );
}

export interface JournaledOptions {
  readonly deviceId?: string;
  readonly sampleId?: string;
  readonly settlement: SettlementPolicy;
  /** Written with the intent: what will be sent and the device counters before it (for reconciliation). */
  readonly request: Record<string, unknown>;
  /** Steps the engine can continue itself after a crash (holds, waits): true. */
  readonly resumable?: boolean;
  /** A robot or operator move: the film's new place is written with the confirmation, in one commit. */
  readonly sampleMove?: { sampleId: string; to: string; actor?: string; reason?: string };
  /** Readings written with the dispatch, and (from the read-back) with the confirmation: no extra round trips. */
  readonly readings?: {
    readonly atDispatch?: readonly NewReading[];
    readonly atConfirm?: (readBack: Record<string, unknown>) => readonly NewReading[];
  };
}

/**
 * Runs one journaled step: intent-recorded → dispatched(commandId) → confirmed(read-back), each written durably
 * before the next move. A lost answer (timeout, disconnect, garbled frame) leaves the step `uncertain` for the
 * reconciler and a person; it is never silently re-sent. Returns the read-back (replayed when already done).
 */
export async function journaled<T extends Record<string, unknown>>(
  ctx: RunContext,
  journalKey: string,
  options: JournaledOptions,
  act: (commandId: string, resumeFrom?: JournalEntry) => Promise<T>,
): Promise<T> {
  const verdict = verdictOf(ctx, journalKey, options.resumable ?? false);
  if (verdict.kind === 'done') return (verdict.row.readBack ?? {}) as T;
  const base = {
    runId: ctx.runId,
    stepKey: journalKey,
    deviceId: options.deviceId,
    sampleId: options.sampleId,
  };
  let attempt: number;
  let resumeFrom: JournalEntry | undefined;
  if (verdict.kind === 'resume') {
    attempt = verdict.row.attempt;
    resumeFrom = verdict.row;
  } else {
    attempt = verdict.attempt;
    const labStart = ctx.clock.now();
    // Intent and dispatch in one statement: nothing physical happens between them, and both are durable
    // before the command is sent.
    await ctx.journal.dispatch({
      ...base,
      attempt,
      settlement: options.settlement,
      request: { ...options.request, labStart, ...(options.resumable ? { resumable: true } : {}) },
      readings: options.readings?.atDispatch,
    });
  }
  const commandId = commandIdFor(ctx.runId, journalKey, attempt);
  let readBack: T;
  try {
    readBack = await act(commandId, resumeFrom);
  } catch (e) {
    if (e instanceof DeviceError && e.kind === 'refused') {
      // Nothing reached the device: the step did not happen and may be retried after the cause is fixed.
      await ctx.journal.record({ ...base, attempt, to: 'failed', reason: e.message });
      throw new SafetyRefusal(e.message);
    }
    if (e instanceof NothingDelivered) {
      // The act proves the step had no effect: a later attempt may do it (it is not a repeat).
      await ctx.journal.record({ ...base, attempt, to: 'failed', reason: e.reason });
      throw e;
    }
    if (e instanceof SafetyRefusal) {
      await ctx.journal.record({ ...base, attempt, to: 'failed', reason: e.message });
      throw e;
    }
    if (e instanceof DeviceError && e.kind === 'fenced') {
      // Refused for a lost lease (by our gate or the instrument): this command did not run, but the step's earlier ones
      // may have (a poll fenced mid-exposure), and another worker may be acting: settled from the devices.
      await ctx.journal.record({
        ...base,
        attempt,
        to: 'uncertain',
        reason: e.message,
      });
      throw new LeaseLost(e.deviceId, e.message);
    }
    if (e instanceof DeviceError) {
      await ctx.journal.record({ ...base, attempt, to: 'uncertain', reason: `${e.kind}: ${e.message}` });
      throw new OperatorNeededError(
        `step ${journalKey}: the device did not confirm (${e.kind}: ${e.message}); check ${e.deviceId} and resolve the step`,
      );
    }
    // Interrupted (pause/abort) or a bug: the outcome is not known either.
    await ctx.journal
      .record({ ...base, attempt, to: 'uncertain', reason: (e as Error).message })
      .catch(() => undefined);
    throw e;
  }
  const labEnd = ctx.clock.now();
  const confirmed = { ...readBack, labEnd };
  // One statement; a move's confirmation writes the film's place with it (and is flushed, as every move).
  const row = await ctx.journal.confirm({
    runId: ctx.runId,
    stepKey: journalKey,
    attempt,
    readBack: confirmed,
    readings: options.readings?.atConfirm?.(readBack),
    sampleMove: options.sampleMove,
  });
  ctx.journalRows.set(journalKey, row);
  return readBack;
}
