import { RunEngine, StationHeld } from '@graftlab/engine';
import { RetryLater, type RunJob } from '@graftlab/queue';

/** How soon a run whose station is held by another run under way is tried again. */
export const STATION_HELD_RETRY_MS = 2000;

/**
 * Takes a station's run jobs: the engine executes (or continues) the run; a run whose station another run under
 * way holds comes back later, its waiting logged once per holder. Thin: the run's logic is the engine's.
 */
export class StationProcessor {
  /** The run each waiting run was last told holds its station. */
  private readonly heldNoted = new Map<string, string>();

  constructor(
    private readonly engine: Pick<RunEngine, 'execute'>,
    private readonly log: (event: Record<string, unknown>, message: string) => void,
    /** A run parked in its soak: its job ends here, and it needs one for its next visit (the sweeper's). */
    private readonly onSoaking: (runId: string, resumeAtLabMs?: number) => Promise<void> = () =>
      Promise.resolve(),
    /** Runs this process is executing now (their jobs are active here, not orphaned). */
    readonly executing = new Set<string>(),
  ) {}

  async process(job: RunJob, signal: AbortSignal): Promise<unknown> {
    this.executing.add(job.runId);
    try {
      const outcome = await this.engine.execute(job.runId, signal);
      this.heldNoted.delete(job.runId);
      if (outcome.state === 'soaking') await this.onSoaking(job.runId, outcome.resumeAtLabMs);
      return outcome;
    } catch (e) {
      if (!(e instanceof StationHeld)) throw e;
      // The run stays queued; its job comes back after a short delay (a run under way goes first).
      if (this.heldNoted.get(job.runId) !== e.heldBy) {
        this.heldNoted.set(job.runId, e.heldBy);
        this.log({ runId: job.runId, station: e.station, heldBy: e.heldBy }, e.message);
      }
      throw new RetryLater(STATION_HELD_RETRY_MS, e.message);
    } finally {
      this.executing.delete(job.runId);
    }
  }
}
