import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { runs as runsTable, samples as samplesTable, stepJournal } from '@graftlab/db';
import { QUEUE_PREFIX, stationQueueName } from '@graftlab/queue';
import { eventually, readProtocol, startEngineStack, type EngineStack } from './support/engine-stack';

/**
 * Bad requests get a 4xx with a clear message and change nothing (database and queues checked); Redis and the
 * broker restarted under running runs: the runs continue (or pause with a reason and are resumed) to the end.
 */
jest.setTimeout(240_000);

interface ApiRun {
  id: string;
  state: string;
  reason: string | null;
}

describe('durable execution: bad requests', () => {
  let env: EngineStack;
  const protocol = readProtocol('test/fixtures/crash-graft.protocol.json');

  beforeAll(async () => {
    env = await startEngineStack({ name: 'requests', workers: 1 });
  });

  afterAll(async () => {
    await env?.stop();
  });

  async function snapshot(): Promise<{ runs: number; samples: number; jobs: number }> {
    const runs = await env.db.select({ id: runsTable.id }).from(runsTable);
    const samples = await env.db.select({ id: samplesTable.id }).from(samplesTable);
    let jobs = 0;
    for (const station of ['reactor-1', 'reactor-2', 'reactor-3', 'reactor-4']) {
      const queue = new Queue(stationQueueName(station), {
        connection: { url: env.redis.url },
        prefix: QUEUE_PREFIX,
      });
      const counts = await queue.getJobCounts();
      jobs += Object.values(counts).reduce((a, n) => a + n, 0);
      await queue.close();
    }
    return { runs: runs.length, samples: samples.length, jobs };
  }

  async function finished(id: string): Promise<ApiRun> {
    const res = await eventually(
      () => env.api<ApiRun>('GET', `/api/runs/${id}`),
      (r) => ['completed', 'failed', 'aborted', 'waiting-operator', 'paused'].includes(r.body.state),
      150_000,
      `run ${id} ends`,
    );
    return res.body;
  }

  it('refuses an invalid protocol with 422 and a JSON pointer, and changes nothing', async () => {
    const before = await snapshot();
    const broken = structuredClone(protocol) as { steps: { key: string; type: string; dose?: string }[] };
    broken.steps.find((s) => s.key === 'irradiate')!.dose = '12 parsecs';
    const res = await env.api<{ message: string; pointer: string }>('POST', '/api/runs', {
      protocol: broken,
    });
    expect(res.status).toBe(422);
    expect(res.body.pointer).toMatch(/^\/steps\/\d+\/dose$/);
    expect(res.body.message).toContain('dose');
    const unsafe = await env.api<{ message: string; pointer: string }>('POST', '/api/runs', {
      protocol,
      parameters: { dose: 500 },
    });
    expect(unsafe.status).toBe(422);
    expect(unsafe.body.pointer).toContain('dose');
    const neither = await env.api<{ message: string }>('POST', '/api/runs', { parameters: {} });
    expect(neither.status).toBe(422);
    expect(neither.body.message).toMatch(/protocol/);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 with the id for unknown runs and protocols, and changes nothing', async () => {
    const before = await snapshot();
    for (const [method, route] of [
      ['GET', '/api/runs/no-such-run'],
      ['POST', '/api/runs/no-such-run/pause'],
      ['POST', '/api/runs/no-such-run/resume'],
      ['POST', '/api/runs/no-such-run/abort'],
    ] as const) {
      const res = await env.api<{ message: string }>(method, route, method === 'POST' ? {} : undefined);
      expect(res.status).toBe(404);
      expect(res.body.message).toContain('no-such-run');
    }
    const unknownProtocol = await env.api<{ message: string }>('POST', '/api/runs', { protocolId: 'nope' });
    expect(unknownProtocol.status).toBe(404);
    expect(unknownProtocol.body.message).toContain('nope');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to resume or abort a completed run with 409, leaving it completed', async () => {
    const created = await env.api<ApiRun>('POST', '/api/runs', { protocol, idempotencyKey: 'requests-1' });
    expect(created.status).toBe(201);
    const again = await env.api<ApiRun & { created: boolean }>('POST', '/api/runs', {
      protocol,
      idempotencyKey: 'requests-1',
    });
    expect(again.body.id).toBe(created.body.id); // idempotent by the client's key
    expect((await finished(created.body.id)).state).toBe('completed');
    const before = await snapshot();
    for (const action of ['resume', 'abort', 'pause']) {
      const body = action === 'resume' ? {} : { reason: 'test' };
      const res = await env.api<{ message: string }>('POST', `/api/runs/${created.body.id}/${action}`, body);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/completed/);
    }
    expect((await env.api<ApiRun>('GET', `/api/runs/${created.body.id}`)).body.state).toBe('completed');
    expect(await snapshot()).toEqual(before);
  });

  it('does not execute a run whose stored plan was altered after admission: it pauses with the reason', async () => {
    const created = await env.api<ApiRun>('POST', '/api/runs', { protocol, parameters: {} });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Stop it where it is (queued, or at its next safe point), then change its dose in the database.
    expect((await env.api('POST', `/api/runs/${id}/pause`, { reason: 'test: alter the plan' })).status).toBe(
      202,
    );
    await eventually(
      () => env.api<ApiRun>('GET', `/api/runs/${id}`),
      (r) => r.body.state !== 'queued' && r.body.state !== 'running',
      60_000,
      `run ${id} pauses`,
    );
    const [row] = await env.db.select().from(runsTable).where(eq(runsTable.id, id));
    expect(row.state).toBe('paused'); // a run takes seconds; the pause lands long before its end
    const plan = row.plan as { steps: { type: string; dose?: { si: number; value: number } }[] };
    const irradiate = plan.steps.find((s) => s.type === 'irradiate')!;
    irradiate.dose = { ...irradiate.dose!, si: irradiate.dose!.si * 3, value: irradiate.dose!.value * 3 };
    await env.db.update(runsTable).set({ plan }).where(eq(runsTable.id, id));
    const commandsBefore = (await env.db.select().from(stepJournal).where(eq(stepJournal.runId, id))).length;
    expect((await env.api('POST', `/api/runs/${id}/resume`, {})).status).toBe(202);
    const ended = await eventually(
      () => env.api<ApiRun>('GET', `/api/runs/${id}`),
      (r) => r.body.state === 'paused' && /altered after admission/.test(r.body.reason ?? ''),
      60_000,
      `run ${id} is refused`,
    );
    expect(ended.body.reason).toMatch(/stored plan of run .* does not match its hash/);
    // Nothing was commanded for the altered plan.
    expect((await env.db.select().from(stepJournal).where(eq(stepJournal.runId, id))).length).toBe(
      commandsBefore,
    );
  });
});
