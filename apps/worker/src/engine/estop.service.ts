import type { Redis } from 'ioredis';
import type { DeviceHub } from '@graftlab/engine';
import { KEYS } from '@graftlab/runtime';

/**
 * Lab-wide e-stop in this worker: every device it holds to its safe state at once (running runs abort through
 * their engine), each device's outcome published for the dashboard.
 */
export class EstopService {
  constructor(
    private readonly hub: DeviceHub,
    private readonly redis: Redis,
    private readonly workerId: string,
    private readonly log: (event: Record<string, unknown>, message: string) => void,
  ) {}

  async estop(reason: string): Promise<void> {
    this.log({ reason }, 'E-STOP');
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
          worker: this.workerId,
        }),
      );
    }
    await this.redis.publish(
      KEYS.events,
      JSON.stringify({ type: 'estop', worker: this.workerId, devices: results }),
    );
  }
}
