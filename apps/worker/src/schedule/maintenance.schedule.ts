import { Inject, Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { LeasesRepository, type GraftlabDb } from '@graftlab/db';
import type { Device } from '@graftlab/devices';
import type { DeviceHub } from '@graftlab/engine';
import type { Inventory, InventoryStation } from '@graftlab/inventory';
import { DATABASE, INVENTORY, KEYS, REDIS } from '@graftlab/runtime';
import { StationAgent } from '../engine/station-agent';
import { DEVICE_HUB, OWNED_STATIONS } from '../worker.tokens';

const CALIBRATION_MAX_AGE_DAYS = 365;
const SHARED_POLL_LOCK = 'graftlab:lock:shared-device-poll';

/**
 * The worker's scheduled work (@nestjs/schedule lives in the worker only): device health polls, lease expiry,
 * stuck-run detection and calibration-due reminders. Each does little and enqueues or reports, never runs a step.
 */
@Injectable()
export class MaintenanceSchedule {
  private polling = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    @Inject(DEVICE_HUB) private readonly hub: DeviceHub,
    @Inject(OWNED_STATIONS) private readonly stations: InventoryStation[],
    private readonly agent: StationAgent,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(MaintenanceSchedule.name);
  }

  /** Device health: every owned device's status, published for /api/devices and the dashboard. */
  @Interval('device-health', 2000)
  async pollDevices(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.agent.heartbeat();
      for (const device of this.hub.ownedDevices()) await this.publishStatus(device);
    } finally {
      this.polling = false;
    }
  }

  /**
   * The shared instruments' health while no run holds them: one worker at a time (a Redis lock) takes each idle
   * instrument under a short lease, reads its status and lets go, so a poll never competes with a run.
   */
  @Interval('shared-device-health', 5000)
  async pollSharedDevices(): Promise<void> {
    const lock = await this.redis.set(SHARED_POLL_LOCK, this.config.worker.id, 'PX', 4500, 'NX');
    if (lock !== 'OK') return;
    const leases = new LeasesRepository(this.db);
    const holder = `${this.config.worker.id}/status-poll`;
    for (const id of this.inventory.shared) {
      const entry = this.inventory.devices.find((d) => d.id === id);
      if (!entry || !(await leases.acquire(id, holder, 5000))) continue; // in use: its run's worker has it open
      try {
        const device = await this.hub.use(id, entry.role, 2000);
        try {
          await this.publishStatus(device);
        } finally {
          await this.hub.releaseShared(id);
        }
      } catch (e) {
        await this.publish({
          deviceId: id,
          driver: entry.driver,
          state: 'offline',
          error: (e as Error).message,
          at: Date.now(),
          worker: this.config.worker.id,
        });
      } finally {
        await leases.release(id, holder);
      }
    }
  }

  private async publishStatus(device: Device): Promise<void> {
    try {
      await this.publish({ ...(await device.status({ timeoutMs: 2000 })), worker: this.config.worker.id });
    } catch (e) {
      await this.publish({
        deviceId: device.id,
        driver: device.driver,
        state: 'offline',
        error: (e as Error).message,
        at: Date.now(),
        worker: this.config.worker.id,
      });
    }
  }

  private async publish(snapshot: Record<string, unknown> & { deviceId: string }): Promise<void> {
    await this.redis.hset(KEYS.devices, snapshot.deviceId, JSON.stringify(snapshot));
    await this.redis.publish(KEYS.events, JSON.stringify({ type: 'device', device: snapshot }));
  }

  /** Leases whose holder stopped renewing (a killed worker) are removed so others can take the instrument. */
  @Interval('lease-expiry', 5000)
  async expireLeases(): Promise<void> {
    const repo = new LeasesRepository(this.db);
    for (const lease of await repo.expired()) {
      await repo.release(lease.resource, lease.holder);
      this.logger.warn({ resource: lease.resource, holder: lease.holder }, 'lease expired and released');
    }
  }

  /**
   * Stuck-run detection: queued runs of our stations that no job will execute are enqueued again, and runs left
   * `running` without a job are reconciled and continued, and soaking runs without a job for their next visit get one.
   */
  @Interval('stuck-runs', 10_000)
  async requeueStuckRuns(): Promise<void> {
    await this.agent.sweeper?.requeueOrphans();
    await this.agent.sweeper?.continueStrandedRuns();
    await this.agent.sweeper?.requeueSoakingRuns();
  }

  /** Calibrations older than a year are reported (dose-rate maps and balance checks must be redone). */
  @Interval('calibration-due', 3_600_000)
  calibrationReminders(): void {
    const now = Date.now();
    for (const device of this.inventory.devices) {
      const dates = [
        ...(device.positions ?? []).map((p) => ({ id: p.calibrationId, at: p.calibratedAt })),
        ...(device.calibration
          ? [{ id: device.calibration.calibrationId, at: device.calibration.calibratedAt }]
          : []),
      ];
      for (const c of dates) {
        const ageDays = (now - Date.parse(c.at)) / 86_400_000;
        if (ageDays > CALIBRATION_MAX_AGE_DAYS)
          this.logger.warn(
            { deviceId: device.id, calibrationId: c.id, ageDays: Math.round(ageDays) },
            'calibration due',
          );
      }
    }
  }
}
