import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RUN_STATES, RunsRepository, type GraftlabDb } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import { queueJobs, runsByState } from '@graftlab/observability';
import type { StationQueues } from '@graftlab/queue';
import { DATABASE, INVENTORY, STATION_QUEUES } from '@graftlab/runtime';

/**
 * The gauges are read when Prometheus scrapes (prom-client's collect), not kept up to date by every writer: the
 * run counts from the MI database, the job counts from each station's queue. A scrape that cannot reach one of
 * them leaves that gauge as it was.
 */
@Injectable()
export class MetricsCollector implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    @Inject(STATION_QUEUES) private readonly queues: StationQueues,
  ) {}

  onModuleInit(): void {
    const runs = new RunsRepository(this.db);
    // prom-client calls collect with the gauge as `this`; the gauges are the module's own, so use them directly.
    Object.assign(runsByState, {
      collect: async () => {
        const counts = await runs.countByState().catch(() => undefined);
        if (!counts) return;
        for (const state of RUN_STATES) runsByState.set({ state }, counts[state] ?? 0);
      },
    });
    Object.assign(queueJobs, {
      collect: async () => {
        for (const station of this.inventory.stations) {
          const counts = await this.queues
            .queueFor(station.id)
            .counts()
            .catch(() => undefined);
          for (const [state, n] of Object.entries(counts ?? {}))
            queueJobs.set({ queue: station.id, state }, n);
        }
      },
    });
  }
}
