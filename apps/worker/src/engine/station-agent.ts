import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { eq } from 'drizzle-orm';
import type { LabClock } from '@graftlab/clock';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { LeasesRepository, suggestions, type GraftlabDb } from '@graftlab/db';
import type { MqttLink } from '@graftlab/devices';
import {
  DeviceHub,
  LEASE_TTL_MS,
  LeaseManager,
  Reconciler,
  repositoriesOn,
  RunEngine,
} from '@graftlab/engine';
import type { Inventory, InventoryStation } from '@graftlab/inventory';
import {
  assertEveryJobHandled,
  SOAK_VISIT_CONCURRENCY,
  type JobHandlers,
  type RunJob,
  type StationConsumer,
  type StationQueues,
} from '@graftlab/queue';
import {
  DATABASE,
  INVENTORY,
  KEYS,
  REDIS,
  RedisLeaseReleases,
  RedisRunControl,
  STATION_QUEUES,
} from '@graftlab/runtime';
import { LabOperatorChannel } from '../operator/lab-operator.channel';
import { DEVICE_HUB, LAB_CLOCK, LAB_ID, MQTT_LINK, OWNED_STATIONS } from '../worker.tokens';
import { EstopService } from './estop.service';
import { guardLeases } from './lease-guard';
import { RunSweeper } from './run.sweeper';
import { StationProcessor } from './station.processor';

/**
 * The worker's composition root: connects and secures the station's devices, builds the engine, the reconciler,
 * the e-stop service and the sweeper on them, reconciles what a crash left in flight, and only then consumes its
 * stations' queues (one run at a time per station) through the processor.
 */
@Injectable()
export class StationAgent implements OnApplicationShutdown {
  private readonly consumers: StationConsumer[] = [];
  private control?: RedisRunControl;
  private operator?: LabOperatorChannel;
  private leases?: LeaseManager;
  private stopLeaseGuard?: () => void;
  private leaseReleases?: RedisLeaseReleases;
  private identities: Record<string, string> = {};
  /** Built once the devices are connected and safe (start()). */
  sweeper?: RunSweeper;
  processor?: StationProcessor;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    @Inject(DEVICE_HUB) private readonly hub: DeviceHub,
    @Inject(OWNED_STATIONS) private readonly stations: InventoryStation[],
    @Inject(LAB_CLOCK) private readonly clock: LabClock,
    @Inject(LAB_ID) private readonly labId: string,
    @Inject(MQTT_LINK) private readonly mqtt: MqttLink,
    @Inject(STATION_QUEUES) readonly queues: StationQueues,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StationAgent.name);
  }

  /** Devices connected and safe → journal reconciled → consuming. Throws (the worker exits) if devices are not ready. */
  async start(): Promise<void> {
    const log = (event: Record<string, unknown>, message: string) => this.logger.info(event, message);
    await this.hub.start({ timeoutMs: 10_000 });
    for (const d of this.hub.ownedDevices())
      this.identities[d.id] = await d.identify({ timeoutMs: 5000 }).catch(() => 'unknown');
    log(
      { stations: this.stations.map((s) => s.id), devices: this.hub.ownedDevices().map((d) => d.id) },
      'devices connected and safe',
    );

    const estop = new EstopService(this.hub, this.redis, this.config.worker.id, (event, message) =>
      this.logger.warn(event, message),
    );
    this.control = new RedisRunControl(this.redis);
    await this.control.listen();
    this.control.onImmediate((runId, request) => {
      if (runId === '*' && request.kind === 'estop') void estop.estop(request.reason);
    });
    this.operator = new LabOperatorChannel(this.redis, this.mqtt, this.labId, this.clock, (event, message) =>
      this.logger.warn(event, message),
    );
    await this.operator.listen();
    // A run waiting for a shared instrument retries when another worker gives it back, not only every 100 ms.
    this.leaseReleases = new RedisLeaseReleases(this.redis, this.config.worker.id);
    await this.leaseReleases.listen();
    this.leases = new LeaseManager(new LeasesRepository(this.db), {
      ttlMs: LEASE_TTL_MS,
      retryMs: 100,
      releases: this.leaseReleases,
    });
    this.stopLeaseGuard = guardLeases(this.hub, this.leases, this.logger);
    const repositories = repositoriesOn(this.db);
    const engine = new RunEngine({
      repositories,
      inventory: this.inventory,
      devices: this.hub,
      leases: this.leases,
      operator: this.operator,
      control: this.control,
      clock: this.clock,
      workerId: this.config.worker.id,
      log,
      deviceIdentities: () => this.identities,
      optimizerModelVersion: async (run) => {
        if (!run.suggestionId) return undefined;
        const [s] = await this.db.select().from(suggestions).where(eq(suggestions.id, run.suggestionId));
        return s?.modelVersion ?? undefined;
      },
    });
    const reconciler = new Reconciler({
      repositories,
      inventory: this.inventory,
      devices: this.hub,
      clock: this.clock,
      log,
      commandTimeoutMs: 5000,
    });
    // The runs this process executes: the processor keeps the set, the sweeper leaves their jobs alone.
    const executing = new Set<string>();
    const sweeper = new RunSweeper({
      db: this.db,
      queues: this.queues,
      reconciler,
      stations: this.stations.map((s) => s.id),
      clock: this.clock,
      executing,
      log,
    });
    const processor = new StationProcessor(
      engine,
      log,
      (runId, at) => sweeper.continueAtNextVisit(runId, at),
      executing,
    );
    await sweeper.reconcileAndContinue();
    await sweeper.requeueOrphans();
    await sweeper.requeueSoakingRuns();
    this.processor = processor;
    this.sweeper = sweeper;

    const handlers: JobHandlers = { 'run.execute': (payload, signal) => processor.process(payload, signal) };
    assertEveryJobHandled(handlers);
    const failed = (job: RunJob | undefined, err: Error) =>
      job
        ? this.logger.error({ runId: job.runId, err: err.message }, 'run job failed')
        : this.logger.warn({ err: err.message }, 'queue connection problem');
    for (const station of this.stations) {
      this.consumers.push(this.queues.consume(station.id, handlers['run.execute'], failed));
      // Soak visits do not wait behind the run the station executes.
      this.consumers.push(
        this.queues.consume(station.id, handlers['run.execute'], failed, {
          lane: 'visits',
          concurrency: SOAK_VISIT_CONCURRENCY,
        }),
      );
    }
    await this.heartbeat();
    log({ stations: this.stations.map((s) => s.id) }, 'station agent consuming');
  }

  async heartbeat(): Promise<void> {
    await this.redis.hset(
      KEYS.workers,
      this.config.worker.id,
      JSON.stringify({ stations: this.stations.map((s) => s.id), at: Date.now() }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // Stop taking jobs, interrupt running steps (the runs stay `running` and continue at the next start), bounded.
    const deadline = this.config.worker.shutdownTimeoutMs;
    await Promise.race([
      Promise.all(this.consumers.map((c) => c.close('shutdown'))),
      new Promise((r) => setTimeout(r, deadline).unref()),
    ]);
    this.stopLeaseGuard?.();
    this.leases?.stop();
    this.leaseReleases?.close();
    await this.control?.close();
    await this.operator?.close();
    await this.queues.close();
    await this.redis.hdel(KEYS.workers, this.config.worker.id).catch(() => undefined);
  }
}
