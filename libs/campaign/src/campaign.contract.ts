import type { MiThread } from '@graftlab/mi-service';
import type { Db, Run, Suggestion } from '@graftlab/db';
import type { SubmitRunRequest, SubmitRunResult } from '@graftlab/admission';
import type { Inventory } from '@graftlab/inventory';
import type { Observation, Optimizer, OptimizerChoice } from '@graftlab/optimizer';

/** Who approved a proposal that the autonomy envelope let through. */
export const AUTONOMY_APPROVER = 'autonomy-envelope';
/** Prefix of the reason of a proposal the campaign's own check refused (never queued). */
export const CHECK_REFUSAL = 'refused by the campaign check: ';

export interface CampaignLoopDeps {
  readonly db: Db;
  readonly inventory: Inventory;
  /** Usually a RunSubmitter: compiles, checks safety, chooses a station, writes the run (idempotent by key), enqueues. */
  readonly submitter: {
    submit(
      request: SubmitRunRequest,
      options?: { actor?: string; mayApproveDose?: boolean },
    ): Promise<SubmitRunResult>;
  };
  /** The optimizer a campaign names (default: optimizerFor). */
  readonly optimizerFor?: (choice: OptimizerChoice) => Optimizer;
  readonly now?: () => Date;
  /**
   * Where campaigns with the database prior train the MI model: a worker thread, so a fit (seconds) does not stall
   * the process; absent, in-process (tests).
   */
  readonly miThread?: MiThread;
}

export interface Actor {
  readonly name: string;
  /** Safety officer or admin: may approve a dose above the lab's approval limit. */
  readonly mayApproveDose: boolean;
}

/** A suggestion with what became of it: its run, the outputs measured and the score. */
export interface SuggestionOutcome {
  readonly suggestion: Suggestion;
  readonly run: Run | null;
  readonly observation: Observation | null;
  readonly score: number | null;
}

export type AdvanceAction = 'idle' | 'waiting' | 'proposed' | 'completed' | 'blocked';

export interface AdvanceReport {
  readonly campaignId: string;
  readonly action: AdvanceAction;
  readonly detail: string;
  /** Suggestions queued as runs by this call. */
  readonly queued: readonly string[];
  /** Suggestions refused by the check in this call. */
  readonly rejected: readonly string[];
  /** Suggestions written by this call (a new batch). */
  readonly proposed: readonly string[];
}
