export { stationQueueName, soakVisitQueueName, SOAK_VISIT_CONCURRENCY, QUEUE_PREFIX } from './queue-names';
export {
  type JobPayloads,
  type JobName,
  type JobHandlers,
  JOB_NAMES,
  assertEveryJobHandled,
} from './job-catalogue';
export { runJobOptions, STATION_WORKER_OPTIONS } from './job-options';
export { orphanedRuns, runIdOfJob, strandedRuns } from './orphaned-runs';
export {
  RetryLater,
  type JobPresence,
  type QueueLane,
  type RunJob,
  type RunJobHandler,
  type StationConsumer,
  type StationQueue,
  type StationQueues,
} from './station-queue';
export { BullStationQueue, BullStationQueues } from './bullmq.station-queues';
export { MemoryStationQueue, MemoryStationQueues } from './memory.station-queues';
