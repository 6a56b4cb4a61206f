import { JournalRepository, runs } from '@graftlab/db';
import { inArray } from 'drizzle-orm';
import type { EngineStack } from './engine-stack';

const VOLUME_TOLERANCE = 0.02;

/**
 * What a lab operator does for runs that stopped for a person, by looking at the lab itself (the virtual lab's
 * world): a step left uncertain is resolved `done` if its effect is there (the vessel holds the dispensed volume,
 * the film lies at the move's destination) or `redo` if nothing happened; a partial effect aborts the run.
 * A paused run, or one waiting without an uncertain step, is simply resumed. `actions` says what it did.
 */
export class TestLabOperator {
  readonly actions: { runId: string; action: string }[] = [];

  constructor(private readonly env: EngineStack) {}

  async attend(runIds: readonly string[]): Promise<void> {
    const stopped = (
      await this.env.db
        .select()
        .from(runs)
        .where(inArray(runs.id, [...runIds]))
    ).filter((r) => r.state === 'paused' || r.state === 'waiting-operator');
    const journal = new JournalRepository(this.env.db);
    for (const run of stopped) {
      const uncertain = (await journal.findUnsettled(run.id)).filter((r) => r.state === 'uncertain');
      const verdicts = uncertain.map((row) => this.inspect(run.station!, row.stepKey, row.request));
      let action: string;
      if (verdicts.some((v) => v === 'partial') || new Set(verdicts).size > 1) {
        action = 'abort';
        await this.env.api('POST', `/api/runs/${run.id}/abort`, {
          reason: `operator: partial effect of ${uncertain.map((u) => u.stepKey).join(', ')}`,
        });
      } else {
        action = verdicts.length ? `resume (${verdicts[0]})` : 'resume';
        const res = await this.env.api(
          'POST',
          `/api/runs/${run.id}/resume`,
          verdicts.length ? { resolution: verdicts[0] } : {},
        );
        if (res.status >= 300) continue; // e.g. the run moved on meanwhile: look again next time
      }
      this.actions.push({ runId: run.id, action });
    }
  }

  /** Whether an uncertain step's effect is in the lab: done, not at all (redo), or partly. */
  private inspect(station: string, stepKey: string, request: unknown): 'done' | 'redo' | 'partial' {
    const world = this.env.lab.world;
    const req = (request ?? {}) as Record<string, unknown>;
    if (stepKey.includes('/move/')) {
      const sampleId = stepKey.split('/move/')[1].split('/')[0];
      const at = world.sample(sampleId)?.location;
      return at === req.to ? 'done' : at === req.from ? 'redo' : 'partial';
    }
    if (typeof req.volumeMl === 'number') {
      const vessel = this.env.lab.inventory.stations.find((s) => s.id === station)!.vessel;
      const volume = world.vessel(vessel)?.volumeMl ?? 0;
      if (Math.abs(volume - req.volumeMl) <= VOLUME_TOLERANCE * req.volumeMl) return 'done';
      return volume <= VOLUME_TOLERANCE * req.volumeMl ? 'redo' : 'partial';
    }
    return 'partial'; // anything else: a person would not guess
  }
}
