import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { LabClock } from '@graftlab/clock';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import type { GraftlabDb } from '@graftlab/db';
import type { MqttLink } from '@graftlab/devices';
import { DeviceHub, LEASE_TTL_MS, LeaseManager, Reconciler, RunEngine, StationHeld } from '@graftlab/engine';
import type { Inventory, InventoryStation } from '@graftlab/inventory';
import { eq } from 'drizzle-orm';
import { LeasesRepository, RunsRepository, suggestions } from '@graftlab/db';
import {
  assertEveryJobHandled,
  orphanedRuns,
  runJobOptions,
  strandedRuns,
  stationQueueName,
  STATION_WORKER_OPTIONS,
  QUEUE_PREFIX,
  type JobHandlers,
  type JobPayloads,
} from '@graftlab/queue';
import { bullConnection, DATABASE, INVENTORY, KEYS, REDIS, RedisRunControl } from '@graftlab/runtime';
import { LabOperatorChannel } from '../operator/lab-operator.channel';
import { DEVICE_HUB, LAB_CLOCK, LAB_ID, MQTT_LINK, OWNED_STATIONS } from '../worker.tokens';
import { guardLeases } from './lease-guard';

/** How soon a run whose station is held by another run under way is tried again. */
const STATION_HELD_RETRY_MS = 2000;
/** Queued runs younger than this are not taken for orphans (the API writes the run, then enqueues it). */
const ORPHAN_GRACE_MS = 10_000;

/**
 * The station agent: connects and secures the station's devices, reconciles what a crash left in flight, and only
 * then takes runs from its stations' queues (one at a time per station). It also carries out e-stops at once.
 */
@Injectable()
export class StationAgent implements OnApplicationShutdown {
  private readonly workers: Worker[] = [];
  private readonly queues = new Map<string, Queue>();
  /** Runs this process is executing now (their jobs are active here, not orphaned). */
  private readonly executing = new Set<string>();
  /** The run each waiting run was last told holds its station (logged once per holder). */
  private readonly heldNoted = new Map<string, string>();
  private control!: RedisRunControl;
  private operator!: LabOperatorChannel;
  private leases!: LeaseManager;
  private stopLeaseGuard?: () => void;
  private engine!: RunEngine;
  private reconciler!: Reconciler;
  private identities: Record<string, string> = {};

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

    this.control = new RedisRunControl(this.redis);
    await this.control.listen();
    this.control.onImmediate((runId, request) => {
      if (runId === '*' && request.kind === 'estop') void this.estop(request.reason);
    });
    this.operator = new LabOperatorChannel(this.redis, this.mqtt, this.labId, this.clock, (event, message) =>
      this.logger.warn(event, message),
    );
    await this.operator.listen();
    this.leases = new LeaseManager(new LeasesRepository(this.db), { ttlMs: LEASE_TTL_MS, retryMs: 100 });
    this.stopLeaseGuard = guardLeases(this.hub, this.leases, this.logger);
    this.engine = new RunEngine({
      db: this.db,
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

    this.reconciler = new Reconciler({
      db: this.db,
      inventory: this.inventory,
      devices: this.hub,
      clock: this.clock,
      log,
      commandTimeoutMs: 5000,
    });
    await this.reconcileAndContinue();
    await this.requeueOrphans();

    const handlers: JobHandlers = {
      'run.execute': (payload, signal) => this.engine.execute(payload.runId, signal),
    };
    assertEveryJobHandled(handlers);
    for (const station of this.stations) {
      const worker = new Worker<JobPayloads['run.execute'], unknown>(
        stationQueueName(station.id),
        async (job: Job, token?: string, signal?: AbortSignal) => {
          const handler = handlers[job.name as keyof JobHandlers];
          if (!handler) throw new Error(`no handler for job ${job.name}`);
          const payload = job.data as JobPayloads['run.execute'];
          this.executing.add(payload.runId);
          try {
            const outcome = await handler(payload, signal ?? new AbortController().signal);
            this.heldNoted.delete(payload.runId);
            return outcome;
          } catch (e) {
            if (!(e instanceof StationHeld)) throw e;
            // The run stays queued; its job comes back after a short delay (a run under way goes first).
            if (this.heldNoted.get(payload.runId) !== e.heldBy) {
              this.heldNoted.set(payload.runId, e.heldBy);
              this.logger.info({ runId: payload.runId, station: e.station, heldBy: e.heldBy }, e.message);
            }
            await job.moveToDelayed(Date.now() + STATION_HELD_RETRY_MS, token);
            throw new DelayedError(e.message);
          } finally {
            this.executing.delete(payload.runId);
          }
        },
        { ...STATION_WORKER_OPTIONS, connection: bullConnection(this.config.redis.url!, 'worker') },
      );
      worker.on('failed', (job, err) =>
        this.logger.error({ runId: job?.data.runId, err: err.message }, 'run job failed'),
      );
      worker.on('error', (err) => this.logger.warn({ err: err.message }, 'queue connection problem'));
      this.workers.push(worker);
      void worker.run();
    }
    await this.heartbeat();
    log({ stations: this.stations.map((s) => s.id) }, 'station agent consuming');
  }

  /** Lab-wide e-stop: every device this worker holds to its safe state at once; running runs abort via the engine. */
  async estop(reason: string): Promise<void> {
    this.logger.warn({ reason }, 'E-STOP');
    const results = await this.hub.safeStateAll(5000, { idleShared: true });
    for (const r of results) {
      await this.redis.hset(
        KEYS.devices,
        r.deviceId,
        JSON.stringify({
          deviceId: r.deviceId,
          state: r.ok ? 'safe' : 'alarm',
          error: r.error,
          at: Date.now(),
          worker: this.config.worker.id,
        }),
      );
    }
    await this.redis.publish(
      KEYS.events,
      JSON.stringify({ type: 'estop', worker: this.config.worker.id, devices: results }),
    );
  }

  async heartbeat(): Promise<void> {
    await this.redis.hset(
      KEYS.workers,
      this.config.worker.id,
      JSON.stringify({ stations: this.stations.map((s) => s.id), at: Date.now() }),
    );
  }

  /**
   * Queued runs of our stations that no job will execute are enqueued again: a worker killed between taking a
   * job and marking its run `running` leaves that job to be failed as stalled, and a crash between the database
   * write and the enqueue leaves none. A queued run has touched no instrument, so a new job is safe; a duplicate
   * one finds the run already past `queued` and does nothing. At start-up (nothing executes here yet) and then
   * periodically (maintenance schedule).
   */
  async requeueOrphans(): Promise<void> {
    const queued = await new RunsRepository(this.db).queuedOn(this.stations.map((s) => s.id));
    for (const station of this.stations) {
      // A run the API has just written may not have its job yet: leave it a moment.
      const here = queued.filter(
        (r) => r.station === station.id && Date.now() - r.createdAt.getTime() > ORPHAN_GRACE_MS,
      );
      if (!here.length) continue;
      const orphans = await orphanedRuns(
        this.queueFor(station.id),
        here.map((r) => r.id),
        this.executing,
      );
      for (const runId of orphans) {
        const run = here.find((r) => r.id === runId)!;
        // A run that had started (resumed, then orphaned) goes first again; one that never started keeps its place.
        const priority = run.startedAt ? undefined : run.priority;
        await this.enqueueContinuation(runId, station.id, priority, 'queued run had no job; re-enqueued');
      }
    }
  }

  /**
   * Runs of our stations left `running` that no job executes: a run whose state could not be written while the
   * database was unreachable is left so when its job ends. Reconciled from the devices, as after a restart, then
   * continued (or handed to an operator with the reason). Periodic, with the stuck-run sweep.
   */
  async continueStrandedRuns(): Promise<void> {
    if (!this.reconciler) return; // not started: the start-up reconciliation covers these
    const ours = this.stations.map((s) => s.id);
    const running = (await new RunsRepository(this.db).list({ states: ['running'] })).filter(
      (r) => r.station && ours.includes(r.station),
    );
    const stranded: string[] = [];
    for (const station of ours) {
      const here = running.filter((r) => r.station === station).map((r) => r.id);
      if (here.length) stranded.push(...(await strandedRuns(this.queueFor(station), here, this.executing)));
    }
    if (stranded.length)
      await this.reconcileAndContinue(stranded, 'run left running without a job; continued');
  }

  /**
   * Settles what our runs left `running` (all of them, or just `runIds`) had in flight, from the devices, then
   * continues each one that may go on; the others wait for a person with the reason.
   */
  private async reconcileAndContinue(runIds?: readonly string[], why?: string): Promise<void> {
    const { continue: resumable, operator } = await this.reconciler.reconcile(
      this.stations.map((s) => s.id),
      runIds,
    );
    for (const { run, reason } of operator)
      this.logger.info({ runId: run.id, reason }, 'run waits for an operator after reconciliation');
    for (const run of resumable) await this.enqueueContinuation(run.id, run.station!, undefined, why);
  }

  private async enqueueContinuation(
    runId: string,
    stationId: string,
    priority?: number,
    why = 'run continues after restart',
  ): Promise<void> {
    const queue = this.queueFor(stationId);
    const n = Date.now(); // a fresh job id per continuation; the run itself is idempotent through its journal
    await queue.add('run.execute', { runId, continuation: n }, runJobOptions(runId, n, priority));
    this.logger.info({ runId, station: stationId }, why);
  }

  queueFor(stationId: string): Queue {
    let q = this.queues.get(stationId);
    if (!q) {
      q = new Queue(stationQueueName(stationId), {
        connection: bullConnection(this.config.redis.url!, 'worker'),
        prefix: QUEUE_PREFIX,
      });
      this.queues.set(stationId, q);
    }
    return q;
  }

  async onApplicationShutdown(): Promise<void> {
    // Stop taking jobs, interrupt running steps (the runs stay `running` and continue at the next start), bounded.
    const deadline = this.config.worker.shutdownTimeoutMs;
    await Promise.race([
      Promise.all(
        this.workers.map(async (w) => {
          w.cancelAllJobs('shutdown');
          await w.close();
        }),
      ),
      new Promise((r) => setTimeout(r, deadline).unref()),
    ]);
    this.stopLeaseGuard?.();
    this.leases?.stop();
    await this.control?.close();
    await this.operator?.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.redis.hdel(KEYS.workers, this.config.worker.id).catch(() => undefined);
  }
}
