import { JournalRepository, leases, runs, runSamples, samples } from '@graftlab/db';
import { QUEUE_PREFIX, stationQueueName } from '@graftlab/queue';
import { Queue } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { EngineStack } from './engine-stack';

/**
 * For a failure message: what holds up the runs that did not reach an end state — their state and station, their
 * jobs' states in BullMQ, their unsettled journal rows, where their samples lie — and every lease.
 */
export async function diagnoseUnfinished(
  env: EngineStack,
  runIds: readonly string[],
  endStates: readonly string[],
): Promise<string> {
  const redis = new Redis(env.redis.url, { maxRetriesPerRequest: null });
  try {
    const open = (
      await env.db
        .select()
        .from(runs)
        .where(inArray(runs.id, [...runIds]))
    ).filter((r) => !endStates.includes(r.state));
    const lines: string[] = [];
    const journal = new JournalRepository(env.db);
    for (const run of open) {
      const queue = new Queue(stationQueueName(run.station ?? 'none'), {
        connection: redis,
        prefix: QUEUE_PREFIX,
      });
      const ids = await queue.getRanges(['waiting', 'prioritized', 'active', 'failed', 'completed'], 0, -1);
      const jobs = await Promise.all(
        ids.filter((id) => id.startsWith(run.id)).map(async (id) => `${id}:${await queue.getJobState(id)}`),
      );
      await queue.close();
      const where = await env.db
        .select({ id: samples.id, at: samples.currentLocation })
        .from(samples)
        .innerJoin(runSamples, eq(runSamples.sampleId, samples.id))
        .where(eq(runSamples.runId, run.id));
      const unsettled = (await journal.findUnsettled(run.id)).map((r) => `${r.stepKey}:${r.state}`);
      const last = (await journal.forRun(run.id)).sort((a, b) => +b.updatedAt - +a.updatedAt)[0];
      lines.push(
        `run ${run.id} ${run.state} on ${run.station} (${run.stateReason ?? 'no reason'}); jobs [${jobs.join(', ')}]; ` +
          `unsettled [${unsettled.join(', ')}]; last step ${last ? `${last.stepKey}:${last.state}@${last.updatedAt.toISOString()}` : 'none'}; ` +
          `samples [${where.map((r) => `${r.id}@${r.at}`).join(', ')}]`,
      );
    }
    const held = await env.db.select().from(leases);
    lines.push(`leases: ${held.map((l) => `${l.resource}→${l.holder}`).join(', ') || 'none'}`);
    return lines.join('\n');
  } finally {
    redis.disconnect();
  }
}
