import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { CampaignLoop, RedisCampaignLock } from '@graftlab/campaign';
import { MiThread } from '@graftlab/mi-service';
import type { GraftlabDb } from '@graftlab/db';
import { RunSubmitter } from '@graftlab/admission';
import type { Inventory } from '@graftlab/inventory';
import { DATABASE, INVENTORY, KEYS, REDIS } from '@graftlab/runtime';
import { StationAgent } from '../engine/station-agent';

/** How often campaigns are advanced; results land in the MI database and the next tick sees them. */
export const CAMPAIGN_TICK_MS = 2000;

/**
 * Closes the loop: on every tick, one worker (a Redis lock, SET NX PX) advances every active campaign — settles
 * finished runs, queues approved and autonomous proposals, asks the optimizer for the next batch. Advancing is
 * idempotent, so a crash or a lost lock at any point only delays the loop.
 */
@Injectable()
export class CampaignDriver implements OnModuleDestroy {
  private readonly miThread = new MiThread();
  private busy = false;
  private readonly loop: CampaignLoop;
  private readonly lock: RedisCampaignLock;

  constructor(
    @Inject(DATABASE) db: GraftlabDb,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INVENTORY) inventory: Inventory,
    private readonly agent: StationAgent,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CampaignDriver.name);
    const submitter = new RunSubmitter({
      db,
      inventory,
      enqueue: (station, runId, priority) =>
        this.agent.queues.queueFor(station).add({ runId, continuation: 0 }, priority),
      liveStations: () => this.liveStations(),
    });
    // The database prior trains in a worker thread: a fit never stalls the station's engine or its leases.
    this.loop = new CampaignLoop({ db, inventory, submitter, miThread: this.miThread });
    this.lock = new RedisCampaignLock({
      set: (key, value, px, ms, nx) => this.redis.set(key, value, px, ms, nx),
      eval: (script, numKeys, ...args) => this.redis.eval(script, numKeys, ...args),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.miThread.close();
  }

  @Interval('campaigns', CAMPAIGN_TICK_MS)
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const reports = await this.lock.withLock(() =>
        this.loop.advanceAll((campaignId, error) =>
          this.logger.error({ campaignId, err: error }, 'campaign could not advance; retrying next tick'),
        ),
      );
      for (const r of reports ?? [])
        if (r.action !== 'waiting' && r.action !== 'idle')
          this.logger.info(
            { campaignId: r.campaignId, queued: r.queued, rejected: r.rejected, proposed: r.proposed },
            `campaign ${r.action}: ${r.detail}`,
          );
    } catch (e) {
      this.logger.warn({ err: e }, 'campaign tick failed');
    } finally {
      this.busy = false;
    }
  }

  private async liveStations(): Promise<string[]> {
    const all = await this.redis.hvals(KEYS.workers);
    return all
      .map((v) => JSON.parse(v) as { stations: string[]; at: number })
      .filter((w) => Date.now() - w.at < 30_000)
      .flatMap((w) => w.stations);
  }
}
