export { DATABASE, REDIS, INVENTORY } from './tokens';
export { redisOptions, bullConnection } from './redis-options';
export { RuntimeModule } from './runtime.module';
export { KEYS } from './redis-keys';
export { RedisRunControl } from './run-control.redis';
export { RedisLeaseReleases } from './lease-releases.redis';
export { PromptBoard, type PendingPrompt } from './operator-prompts.redis';
export { STATION_QUEUES, stationQueuesProvider } from './station-queues.provider';
