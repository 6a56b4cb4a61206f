export { RunEngine, type EngineDeps, type RunOutcome } from './run-engine';
export { parseSharedProtocol, protocolOfVersion, runPlanOf } from './stored-plan';
export { repositoriesOn, type EngineRepositories } from './engine.repositories';
export { Reconciler, type ReconcileDeps } from './reconciler';
export { DeviceHub, type DeviceFactory } from './device-hub';
export {
  LEASE_TTL_MS,
  LeaseManager,
  type LeaseGrant,
  type LeaseOptions,
  type LeaseReleases,
} from './lease-manager';
export { LeaseFence, LeaseLost } from './lease-fence';
export { StallMonitor, type StallMonitorOptions } from './stall-monitor';
export { MemoryRunControl, type RunControl, type ControlRequest } from './run-control';
export type { OperatorChannel, OperatorPrompt, OperatorAnswer, OperatorAction } from './operator-channel';
export {
  NothingDelivered,
  OperatorNeededError,
  SafetyRefusal,
  SampleInvalidated,
  RunInterrupted,
  StationHeld,
} from './engine.errors';
export { outputsWithUncertainty, type OutputWithUncertainty } from './results';
export type { EngineLog } from './run-context';
