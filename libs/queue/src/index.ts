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
