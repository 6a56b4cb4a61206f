import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { BullStationQueues } from '@graftlab/queue';
import { bullConnection } from './redis-options';

/** The station queues of a process (BullMQ on the configured Redis); the process's owner of them closes them. */
export const STATION_QUEUES = Symbol('STATION_QUEUES');

/** Workers wait out Redis outages; the API's producers fail fast (see redisOptions). */
export function stationQueuesProvider(role: 'worker' | 'producer'): FactoryProvider {
  return {
    provide: STATION_QUEUES,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => {
      if (!config.redis.url)
        throw new Error('REDIS_URL is required by this process (the stack supervisor provides one)');
      const url = config.redis.url;
      return new BullStationQueues(() => bullConnection(url, role));
    },
  };
}
