export * from './protocol.versions';
export { protocolSchema, timeWindowSchema, outputSchema, protocolSafetySchema } from './protocol.schema';
export type { Protocol, ProtocolInput, Output, ProtocolSafety, TimeWindowInput } from './protocol.schema';
export { stepSchema, STEP_SCHEMAS, STEP_TYPES } from './steps.schema';
export type { Step, StepInput, StepOf, StepType, ParallelStep, PromptAction } from './steps.schema';
export { parameterSchema } from './parameters.schema';
export type { Parameter, NumberParameter, ParameterValue } from './parameters.schema';
export { materialsSchema } from './materials.schema';
export type { Materials } from './materials.schema';
export { parseProtocol, loadProtocolFile, PROTOCOL_LIMITS } from './protocol.loader';
export { checkProtocol, parameterDefaults } from './protocol.checks';
export {
  compileProtocol,
  draftPlan,
  planDateOf,
  flatPlanned,
  type CompileOptions,
} from './protocol.compiler';
export { resolveParameterValues } from './parameter.values';
export * from './safety';
export { searchSpaceOf, type SearchSpace, type SearchDimension } from './search-space.builder';
export { evaluateOutputs } from './outputs.evaluator';
export {
  settlementOf,
  rolesOf,
  flattenSteps,
  SETTLEMENT_POLICIES,
  type SettlementPolicy,
} from './step.catalog';
export { sameMedium, visitTimesS } from './characterization.resolver';
export { checkExpression, evaluateExpression, ExpressionError, type Value } from './expression.evaluator';
export { resolveQuantity, quantitySpec, type ResolvedQuantity, type QuantitySpec } from './quantity.resolver';
export { parameterScope } from './parameter.scope';
export { KINDS, type Kind } from './units.registry';
export { canonicalJson, sha256 } from './canonical-json.hash';
export type {
  ExecutionPlan,
  PlannedStep,
  TimeWindow,
  SafetyEnvelope,
  Consumable,
  CalibrationUsed,
  ResolvedArg,
  StepEvent,
} from './plan.types';
export {
  bindPlan,
  deviceOf,
  inventoryHash,
  stationDeviceFor,
  storedPlanHash,
  StoredPlanRejected,
  verifyStoredPlan,
  type StationPlan,
  type StoredPlanRow,
} from './plan.binding';
