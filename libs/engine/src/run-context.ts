import type { LabClock } from '@graftlab/clock';
import type { JournalEntry } from '@graftlab/db';
import type { Inventory, InventoryStation } from '@graftlab/inventory';
import type { ExecutionPlan, Protocol } from '@graftlab/protocol';
import type { DeviceHub } from './device-hub';
import type { EngineRepositories } from './engine.repositories';
import type { LeaseManager } from './lease-manager';
import type { OperatorChannel } from './operator-channel';

export interface SampleState {
  readonly id: string;
  location: string;
  invalidReason?: string;
}

export type EngineLog = (event: Record<string, unknown>, message: string) => void;

/** Everything a step needs while a run executes on a station. */
export interface RunContext {
  readonly runId: string;
  readonly protocol: Protocol;
  readonly plan: ExecutionPlan;
  readonly inventory: Inventory;
  readonly station: InventoryStation;
  readonly samples: SampleState[];
  readonly clock: LabClock;
  readonly signal: AbortSignal;
  /** Lease holder id: worker and run, so a lease names who holds it. */
  readonly holder: string;
  readonly devices: DeviceHub;
  readonly leases: LeaseManager;
  readonly operator: OperatorChannel;
  readonly journal: EngineRepositories['journal'];
  readonly ledger: EngineRepositories['ledger'];
  readonly readings: EngineRepositories['readings'];
  readonly sampleRepo: EngineRepositories['samples'];
  /** The MI database's records of the run (irradiations, measurements). */
  readonly mi: Pick<EngineRepositories, 'irradiations' | 'measurements'>;
  readonly log: EngineLog;
  /** Latest journal row per journal key, loaded when the run (re)starts. */
  readonly journalRows: Map<string, JournalEntry>;
  /** Values weigh and measure steps recorded, per sample (W_0, W_g, ...), and their standard uncertainty. */
  readonly recorded: Map<
    string,
    Record<string, { value: number; uncertainty: number; replicates: number[] }>
  >;
  /** Lab-clock start and end of each step key, for time windows. */
  readonly timeline: Map<string, { start?: number; end?: number }>;
  /** Device command timeout, ms (real time). */
  readonly commandTimeoutMs: number;
  /**
   * Steps that ended before the run parked at a soak (set when a soaking run continues): they are only replayed
   * from the journal, and their films are never moved again — they lie in the soak bath now.
   */
  readonly finishedBeforeSoak?: ReadonlySet<string>;
}

export function validSamples(ctx: RunContext): SampleState[] {
  return ctx.samples.filter((s) => !s.invalidReason);
}
