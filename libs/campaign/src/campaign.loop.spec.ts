import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CampaignsRepository,
  DB_ENGINES,
  ProtocolsRepository,
  ResultsRepository,
  RunsRepository,
  openScratchDatabase,
  type GraftlabDb,
} from '@graftlab/db';
import { RunSubmitter, type SubmitRunRequest, type SubmitRunResult } from '@graftlab/admission';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import type { Optimizer, Params, SuggestRequest, SuggestResponse } from '@graftlab/optimizer';
import { DocumentError } from '@graftlab/validation';
import { CampaignLoop, CHECK_REFUSAL, campaignView, type CampaignLoopDeps } from './index';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROTOCOL = JSON.parse(
  readFileSync(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'),
) as Record<string, unknown>;
const BASE_INVENTORY = loadInventory(path.join(ROOT, 'devices/virtual-lab.json'));
/** A stricter lab: more than 30 kGy per sample is outside the safety envelope, more than 20 needs a safety officer. */
const INVENTORY: Inventory = {
  ...BASE_INVENTORY,
  safety: { ...BASE_INVENTORY.safety, maxDosePerSampleKGy: 30, approvalDoseKGy: 20 },
};

const P = (dose: number, graftTemperature = 40, graftTime = 2, monomerConcentration = 5): Params => ({
  dose,
  graftTemperature,
  graftTime,
  monomerConcentration,
});

/** An optimizer that answers batches from a script and records every request it saw. */
class ScriptedOptimizer implements Optimizer {
  readonly requests: SuggestRequest[] = [];
  constructor(private readonly batches: Params[][]) {}
  suggest(request: SuggestRequest): Promise<SuggestResponse> {
    this.requests.push(request);
    const batch = this.batches[this.requests.length - 1] ?? [];
    return Promise.resolve({
      candidates: batch
        .slice(0, request.batchSize)
        .map((params, i) => ({ params, acquisitionValue: 0.5 - i / 10 })),
      modelVersion: `scripted-${this.requests.length}`,
      strategy: 'scripted',
    });
  }
}

const definition = (overrides: Record<string, unknown> = {}) => ({
  name: 'DG 100 with the least dose',
  protocolId: 'pe-gma-emulsion',
  objective: {
    targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100, transform: 'log1p' }],
    costs: [{ parameter: 'dose', weight: 0.1 }],
  },
  budget: 8,
  batchSize: 4,
  seed: 7,
  autonomyEnvelope: {
    parameters: {
      dose: { min: 5, max: 18 },
      graftTemperature: { min: 25, max: 60 },
      graftTime: { min: 0.25, max: 4 },
      monomerConcentration: { min: 1, max: 10 },
    },
  },
  ...overrides,
});

describe.each(DB_ENGINES)('campaign loop on %s', (engine) => {
  let db: GraftlabDb;
  let enqueued: string[];
  let submitter: RunSubmitter;

  const loopWith = (optimizer?: Optimizer, extra: Partial<CampaignLoopDeps> = {}) =>
    new CampaignLoop({
      db,
      inventory: INVENTORY,
      submitter,
      ...(optimizer ? { optimizerFor: () => optimizer } : {}),
      ...extra,
    });

  /** What a worker does when a run ends: results first, then the state (as the engine does). */
  async function finish(runId: string, dg: number | 'failed'): Promise<void> {
    const runs = new RunsRepository(db);
    await runs.transition(runId, 'queued', 'running');
    if (dg === 'failed') {
      await runs.transition(runId, 'running', 'failed', { reason: 'film ruptured' });
      return;
    }
    const [sampleId] = await runs.sampleIds(runId);
    await new ResultsRepository(db).recordResults(runId, [
      { sampleId, name: 'degreeOfGrafting', value: dg, unit: '%', uncertainty: 0.05 * dg },
    ]);
    await runs.transition(runId, 'running', 'completed');
  }

  beforeEach(async () => {
    db = await openScratchDatabase(engine);
    await new ProtocolsRepository(db).saveVersion({ protocolId: 'pe-gma-emulsion', document: PROTOCOL });
    enqueued = [];
    submitter = new RunSubmitter({
      db,
      inventory: INVENTORY,
      enqueue: (_station, runId) => {
        enqueued.push(runId);
        return Promise.resolve();
      },
    });
  });
  afterEach(async () => {
    await db.close();
  });

  it('refuses a space outside the protocol with JSON pointers', async () => {
    const loop = loopWith();
    const bad = definition({
      space: {
        parameters: [
          { name: 'dose', type: 'number', min: 1, max: 80 },
          { name: 'colour', type: 'categorical', choices: ['red'] },
        ],
      },
      objective: { targets: [{ name: 'ionExchangeCapacity', mode: 'max' }] },
      groupBy: ['graftTime'],
    });
    const error = await loop.create(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    const pointers = (error as DocumentError).problems.map((p) => p.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/space/parameters/0/min',
        '/space/parameters/0/max',
        '/space/parameters/1/name',
        '/objective/targets/0/name',
        '/groupBy/0',
      ]),
    );
    await expect(loop.create(definition({ protocolId: 'no-such-protocol' }))).rejects.toThrow(DocumentError);
  });

  it('queues inside the envelopes, refuses outside the safety envelope, and waits for a person otherwise', async () => {
    const optimizer = new ScriptedOptimizer([[P(10), P(35), P(25), P(15)]]);
    const loop = loopWith(optimizer);
    const campaign = await loop.create(definition());
    const report = await loop.advance(campaign.id);
    expect(report.action).toBe('proposed');
    const byDose = new Map(
      (await new CampaignsRepository(db).suggestions(campaign.id)).map((s) => [(s.params as Params).dose, s]),
    );
    // 10 and 15 kGy: inside the autonomy envelope → queued by it, with provenance.
    for (const dose of [10, 15]) {
      const s = byDose.get(dose)!;
      expect(s.state).toBe('queued');
      expect(s.approvedBy).toBe('autonomy-envelope');
      expect(s.modelVersion).toBe('scripted-1');
      expect(typeof s.acquisitionValue).toBe('number');
      expect(enqueued).toContain(s.runId);
    }
    // 35 kGy: above the lab's 30 kGy per sample → refused by the check, never a run.
    const unsafe = byDose.get(35)!;
    expect(unsafe.state).toBe('rejected');
    expect(unsafe.reason).toMatch(
      new RegExp('^' + CHECK_REFUSAL + '.*exceeds the maximum dose per sample of 30 kGy'),
    );
    expect(unsafe.runId).toBeNull();
    // 25 kGy: safe but outside the autonomy envelope (and above the approval limit) → waits.
    const waiting = byDose.get(25)!;
    expect(waiting.state).toBe('proposed');
    expect(enqueued).toHaveLength(2);
    const runs = await new RunsRepository(db).list({ limit: 100 });
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.campaignId === campaign.id && r.idempotencyKey === r.suggestionId)).toBe(true);

    // Advancing again changes nothing: no new batch while a proposal waits.
    expect((await loop.advance(campaign.id)).action).toBe('waiting');
    expect(enqueued).toHaveLength(2);

    // A scientist may not approve a dose above the approval limit; a safety officer may.
    await expect(
      loop.approve(campaign.id, waiting.id, { name: 'sam', mayApproveDose: false }),
    ).rejects.toMatchObject({
      status: 403,
    });
    expect((await new CampaignsRepository(db).suggestions(campaign.id, 'proposed')).map((s) => s.id)).toEqual(
      [waiting.id],
    );
    const approved = await loop.approve(campaign.id, waiting.id, { name: 'olga', mayApproveDose: true });
    expect(approved).toMatchObject({ state: 'queued', approvedBy: 'olga' });
    expect(approved.approvedAt).toBeInstanceOf(Date);
    expect(enqueued).toHaveLength(3);

    const view = await campaignView(loop, INVENTORY, campaign.id);
    expect(view.progress).toMatchObject({ experiments: 3, budget: 8, inFlight: 3, rejected: 1 });
  });

  it('learns from results: failed runs become failed observations, then proposes the next batch', async () => {
    const optimizer = new ScriptedOptimizer([
      [P(10), P(12), P(14), P(16)],
      [P(11), P(13), P(15), P(17)],
    ]);
    const loop = loopWith(optimizer);
    const campaign = await loop.create(definition());
    await loop.advance(campaign.id);
    const first = await new CampaignsRepository(db).suggestions(campaign.id);
    expect(first.map((s) => s.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
    await finish(first[0].runId!, 60);
    await finish(first[1].runId!, 'failed');
    await finish(first[2].runId!, 140);
    // One run still in flight: no new batch yet.
    expect((await loop.advance(campaign.id)).action).toBe('waiting');
    expect(optimizer.requests).toHaveLength(1);
    await finish(first[3].runId!, 90);
    const report = await loop.advance(campaign.id);
    expect(report.action).toBe('proposed');
    const seen = optimizer.requests[1];
    expect(seen.batchSize).toBe(4);
    expect(seen.seed).toBe(7 * 1000 + 2);
    expect(seen.observations.map((o) => o.status)).toEqual(['completed', 'failed', 'completed', 'completed']);
    expect(seen.observations[0]).toMatchObject({
      params: P(10),
      outputs: { degreeOfGrafting: 60 },
      uncertainty: { degreeOfGrafting: 3 },
    });
    const view = await campaignView(loop, INVENTORY, campaign.id);
    expect(view.best?.params).toEqual(P(16));
    expect(view.suggestions.find((s) => s.id === first[1].id)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('film ruptured') as unknown,
    });
    expect(view.progress).toMatchObject({ experiments: 8, completed: 3, failed: 1, inFlight: 4, batches: 2 });
    // Budget spent: once the last runs end, the campaign completes without asking again.
    const second = (await new CampaignsRepository(db).suggestions(campaign.id)).filter((s) => s.batch === 2);
    for (const s of second) await finish(s.runId!, 70);
    expect((await loop.advance(campaign.id)).action).toBe('completed');
    expect((await loop.get(campaign.id)).state).toBe('completed');
    expect(optimizer.requests).toHaveLength(2);
  });

  it('treats an unphysical result (DG ≤ −100 %) as a failed experiment, not an observation', async () => {
    const optimizer = new ScriptedOptimizer([
      [P(10), P(12)],
      [P(20), P(22)],
    ]);
    const loop = loopWith(optimizer);
    const campaign = await loop.create(definition({ batchSize: 2 }));
    await loop.advance(campaign.id);
    const [a, b] = await new CampaignsRepository(db).suggestions(campaign.id);
    await finish(a.runId!, -100.2);
    await finish(b.runId!, 80);
    expect((await loop.advance(campaign.id)).action).toBe('proposed');
    const [lost] = await new CampaignsRepository(db).suggestions(campaign.id, 'failed');
    expect(lost).toMatchObject({
      id: a.id,
      reason: expect.stringContaining('not a physical result') as unknown,
    });
    expect(optimizer.requests[1].observations.map((o) => o.status)).toEqual(['failed', 'completed']);
  });

  it('stops when the target is met', async () => {
    const optimizer = new ScriptedOptimizer([[P(10), P(12)]]);
    const loop = loopWith(optimizer);
    const campaign = await loop.create(
      definition({ batchSize: 2, stopWhen: { outputs: { degreeOfGrafting: { min: 95, max: 105 } } } }),
    );
    await loop.advance(campaign.id);
    const [a, b] = await new CampaignsRepository(db).suggestions(campaign.id);
    await finish(a.runId!, 101);
    expect((await loop.advance(campaign.id)).detail).toMatch(/target met.*waiting for the runs in flight/);
    await finish(b.runId!, 50);
    const report = await loop.advance(campaign.id);
    expect(report).toMatchObject({ action: 'completed', detail: `target met by ${a.id}` });
    expect(optimizer.requests).toHaveLength(1);
  });

  it('pauses and resumes; a rejected proposal is never queued and is not proposed again', async () => {
    const optimizer = new ScriptedOptimizer([
      [P(25), P(26)],
      [P(10), P(11)],
    ]);
    const loop = loopWith(optimizer);
    const campaign = await loop.create(definition({ batchSize: 2 }));
    await loop.pause(campaign.id);
    expect((await loop.advance(campaign.id)).action).toBe('idle');
    expect(optimizer.requests).toHaveLength(0);
    await loop.resume(campaign.id);
    await loop.advance(campaign.id);
    const [a, b] = await new CampaignsRepository(db).suggestions(campaign.id);
    expect([a.state, b.state]).toEqual(['proposed', 'proposed']);
    await loop.reject(campaign.id, a.id, { name: 'sam', mayApproveDose: false }, 'too close to the limit');
    await loop.reject(campaign.id, b.id, { name: 'sam', mayApproveDose: false });
    await expect(loop.approve(campaign.id, a.id, { name: 'olga', mayApproveDose: true })).rejects.toThrow(
      /rejected, not proposed/,
    );
    await loop.advance(campaign.id);
    expect(enqueued).toHaveLength(2);
    const runs = await new RunsRepository(db).list({ limit: 10 });
    expect(runs.map((r) => r.suggestionId).sort()).toEqual([`${campaign.id}.b2.1`, `${campaign.id}.b2.2`]);
    // The person's rejections reach the optimizer as points not to propose again.
    expect(optimizer.requests[1].observations.map((o) => o.status)).toEqual(['pending', 'pending']);
    expect((await loop.get(campaign.id)).state).toBe('active');
  });

  it('enforces the campaign dose budget', async () => {
    const optimizer = new ScriptedOptimizer([[P(15), P(15), P(15), P(15)]]);
    const loop = loopWith(optimizer);
    const campaign = await loop.create(definition({ limits: { totalDoseKGy: 40 } }));
    await loop.advance(campaign.id);
    const states = (await new CampaignsRepository(db).suggestions(campaign.id)).map((s) => [
      s.state,
      s.reason,
    ]);
    expect(states.filter(([s]) => s === 'queued')).toHaveLength(2);
    expect(states.filter(([s, r]) => s === 'rejected' && String(r).includes('dose budget'))).toHaveLength(2);
  });

  it('survives a restart between proposing and queueing: nothing re-proposed, nothing queued twice', async () => {
    const batches = [[P(10), P(12), P(14), P(16)]];
    // First driver: the process dies after the batch was written, at the second submission.
    let calls = 0;
    const dying = {
      submit: (request: SubmitRunRequest, options?: { actor?: string; mayApproveDose?: boolean }) => {
        calls++;
        if (calls === 2) return Promise.reject(new Error('SIGKILL'));
        return submitter.submit(request, options);
      },
    };
    const first = loopWith(new ScriptedOptimizer(batches), { submitter: dying });
    const campaign = await first.create(definition());
    await expect(first.advance(campaign.id)).rejects.toThrow('SIGKILL');
    let rows = await new CampaignsRepository(db).suggestions(campaign.id);
    expect(rows.map((s) => s.state)).toEqual(['queued', 'approved', 'proposed', 'proposed']);

    // Second driver: the run is created, then the process dies before the suggestion records it.
    const afterRun = {
      submit: async (request: SubmitRunRequest, options?: { actor?: string; mayApproveDose?: boolean }) => {
        const result: SubmitRunResult = await submitter.submit(request, options);
        if (request.idempotencyKey === rows[2].id) throw new Error('SIGKILL after the run was written');
        return result;
      },
    };
    const secondOptimizer = new ScriptedOptimizer([[P(40), P(41), P(42), P(43)]]);
    const second = loopWith(secondOptimizer, { submitter: afterRun });
    await expect(second.advance(campaign.id)).rejects.toThrow('SIGKILL after the run');

    // Third driver, healthy: finishes the batch from the database alone.
    const thirdOptimizer = new ScriptedOptimizer([[P(40), P(41), P(42), P(43)]]);
    const third = loopWith(thirdOptimizer);
    const report = await third.advance(campaign.id);
    expect(report.action).toBe('waiting');
    rows = await new CampaignsRepository(db).suggestions(campaign.id);
    expect(rows.map((s) => s.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(rows.map((s) => s.batch)).toEqual([1, 1, 1, 1]);
    expect(secondOptimizer.requests).toHaveLength(0);
    expect(thirdOptimizer.requests).toHaveLength(0);
    const runs = await new RunsRepository(db).list({ limit: 100 });
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.suggestionId)).size).toBe(4);
    expect(new Set(enqueued).size).toBe(4);
    expect(enqueued).toHaveLength(4);
    expect(rows.map((s) => s.runId).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it('is deterministic with the built-in optimizer: same seed, same first batch', async () => {
    const a = await loopWith().create(definition({ autonomyEnvelope: undefined }));
    const b = await loopWith().create(definition({ autonomyEnvelope: undefined }));
    await loopWith().advance(a.id);
    await loopWith().advance(b.id);
    const params = async (id: string) =>
      (await new CampaignsRepository(db).suggestions(id)).map((s) => ({ params: s.params, state: s.state }));
    const pa = await params(a.id);
    expect(pa).toHaveLength(4);
    expect(pa.every((s) => s.state === 'proposed' || s.state === 'rejected')).toBe(true);
    expect(await params(b.id)).toEqual(pa);
    expect(enqueued).toHaveLength(0);
  });
});
