import { JournalRepository, runs, stepJournal, type JournalEntry } from '@graftlab/db';
import { eq, inArray } from 'drizzle-orm';
import type { PendingPrompt } from '@graftlab/runtime';
import type { EngineStack } from './engine-stack';

const VOLUME_TOLERANCE = 0.02;
/** How long a prompt waits on the board before the test operator, like a person, answers it. */
const STALE_PROMPT_MS = 20_000;

/**
 * What a lab operator does for runs that stopped for a person, by looking at the lab itself (the virtual lab's
 * world): a step left uncertain is resolved `done` if its effect is there (the pump's own counter shows the
 * volume beyond every dispense already accounted for, the film lies at the move's destination) or `redo` if nothing happened; a partial effect aborts the run.
 * A paused run, or one waiting without an uncertain step, is simply resumed. `actions` says what it did.
 */
export class TestLabOperator {
  /** What it did, with the reason the run gave for stopping. */
  readonly actions: { runId: string; action: string; reason: string }[] = [];

  constructor(private readonly env: Pick<EngineStack, 'db' | 'lab' | 'api'>) {}

  async attend(runIds: readonly string[]): Promise<void> {
    await this.answerStalePrompts(runIds);
    const stopped = (
      await this.env.db
        .select()
        .from(runs)
        .where(inArray(runs.id, [...runIds]))
    ).filter((r) => r.state === 'paused' || r.state === 'waiting-operator');
    const journal = new JournalRepository(this.env.db);
    for (const run of stopped) {
      await this.clearFilmsOfEndedRuns(run.stateReason ?? '');
      const uncertain = (await journal.findUnsettled(run.id)).filter((r) => r.state === 'uncertain');
      const verdicts = await Promise.all(uncertain.map((row) => this.inspect(row)));
      let action: string;
      if (verdicts.some((v) => v === 'partial')) {
        action = 'abort';
        const res = await this.env.api('POST', `/api/runs/${run.id}/abort`, {
          reason: `operator: partial effect of ${uncertain.map((u) => u.stepKey).join(', ')}`,
        });
        if (res.status >= 300) continue;
      } else {
        // One resolution per uncertain step, as found in the lab (a move done, an exposure not started).
        const resolutions = Object.fromEntries(uncertain.map((row, i) => [row.stepKey, verdicts[i]]));
        action = verdicts.length
          ? `resume (${uncertain.map((row, i) => `${row.stepKey} ${verdicts[i]}`).join(', ')})`
          : 'resume';
        const res = await this.env.api(
          'POST',
          `/api/runs/${run.id}/resume`,
          verdicts.length ? { resolutions } : {},
        );
        if (res.status >= 300) continue; // e.g. the run moved on meanwhile: look again next time
      }
      this.actions.push({ runId: run.id, action, reason: run.stateReason ?? '' });
    }
  }

  /**
   * A prompt the virtual operator did not take (it answers within milliseconds) waits on the board, where a person
   * acknowledges it from the dashboard. Prompts that ask for nothing to be done in the lab are acknowledged here the
   * same way; one that asks for an action (load a film, fill a reagent) is left, as a person would first have to do it.
   */
  private async answerStalePrompts(runIds: readonly string[]): Promise<void> {
    const res = await this.env.api<PendingPrompt[]>('GET', '/api/prompts');
    if (res.status !== 200) return;
    for (const p of res.body) {
      if (!runIds.includes(p.runId) || p.action || Date.now() - p.since < STALE_PROMPT_MS) continue;
      const ack = await this.env.api('POST', `/api/prompts/${p.promptId}/ack`, {
        note: 'answered on the board by the test operator',
      });
      if (ack.status === 200) this.actions.push({ runId: p.runId, action: 'ack prompt', reason: p.message });
    }
  }

  /**
   * A run waits for an instrument that a film of an ended run occupies (it was aborted with the film inside, or
   * with a move of it in doubt): as a person would, take the film out to the rack and say so, so the instrument is
   * free again. Films of runs still under way are left to their runs.
   */
  private async clearFilmsOfEndedRuns(reason: string): Promise<void> {
    const blocked = /waits for .* to be cleared: (.*) belongs to another run/.exec(reason);
    if (!blocked) return;
    for (const [, sampleId] of blocked[1].matchAll(/sample (\S+) [^(]*\(no run under way\)/g)) {
      const film = this.env.lab.world.sample(sampleId);
      if (!film) continue;
      const from = film.location;
      this.env.lab.world.moveSample(sampleId, 'rack-a');
      const res = await this.env.api('POST', `/api/samples/${sampleId}/location`, {
        location: 'rack-a',
        reason: `test operator took the film out of ${from}`,
      });
      if (res.status < 300) this.actions.push({ runId: sampleId, action: 'clear film', reason });
    }
  }

  /** Whether an uncertain step's effect is in the lab: done, not at all (redo), or partly. */
  private async inspect(row: JournalEntry): Promise<'done' | 'redo' | 'partial'> {
    const req = (row.request ?? {}) as Record<string, unknown>;
    if (row.stepKey.includes('/move/')) {
      const sampleId = row.stepKey.split('/move/')[1].split('/')[0];
      const at = this.env.lab.world.sample(sampleId)?.location;
      return at === req.to ? 'done' : at === req.from ? 'redo' : 'partial';
    }
    if (typeof req.volumeMl === 'number' && row.deviceId) {
      // The pump's own lifetime counter against every dispense the journal holds as done on it: what is left over
      // is what this step delivered.
      const pumped = this.env.lab.twins.get(row.deviceId)!.counters().dispensedMl;
      const doneRows = (
        await this.env.db.select().from(stepJournal).where(eq(stepJournal.deviceId, row.deviceId))
      ).filter(
        (j) =>
          j.id !== row.id &&
          typeof (j.request as { volumeMl?: unknown } | null)?.volumeMl === 'number' &&
          (j.state === 'confirmed' ||
            (j.state === 'settled' && (j.readBack as { resolution?: string } | null)?.resolution === 'done')),
      );
      const doneMl = doneRows.reduce((a, j) => a + (j.request as { volumeMl: number }).volumeMl, 0);
      const delivered = pumped - doneMl;
      if (Math.abs(delivered - req.volumeMl) <= VOLUME_TOLERANCE * req.volumeMl) return 'done';
      return Math.abs(delivered) <= VOLUME_TOLERANCE * req.volumeMl ? 'redo' : 'partial';
    }
    const targetKGy = req.targetKGy;
    if (typeof targetKGy === 'number' && Array.isArray(req.samples)) {
      // An irradiation: the person reads the films' dosimeters (the world's absorbed dose) against the target.
      const doses = (req.samples as string[]).map((id) => this.env.lab.world.sample(id)?.doseKGy ?? 0);
      if (doses.every((d) => d >= targetKGy * 0.9)) return 'done';
      if (doses.every((d) => d === 0)) return 'redo';
      return 'partial';
    }
    return 'partial'; // anything else: a person would not guess
  }
}
