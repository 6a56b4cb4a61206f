export * from './space.schema';
export * from './observation.schema';
export * from './suggest.schema';
export {
  parseSpace,
  parseObservations,
  parseSuggestRequest,
  parseSuggestResponse,
  paramsProblems,
} from './suggest.validation';
export { scoreOf, targetUtility, costOf } from './objective.score';
export { paretoReference } from './pareto.strategy';
export { suggest } from './suggest.api';
export type { BayesianOptions } from './bayesian.strategy';
export { OptimizerError, type Optimizer } from './optimizer.interface';
export { BuiltInOptimizer } from './builtin.optimizer';
export { HttpOptimizer, type HttpOptimizerOptions } from './http.optimizer';
export { optimizerFor, type OptimizerChoice } from './optimizer.factory';
export {
  GaussianProcess,
  type GpHyperparameters,
  type GpData,
  type GpFitOptions,
} from './gaussian-process.model';
export { matern52, maternKernel, scaledDistance, type KernelParameters } from './matern.kernel';
export { MIN_DISTANCE } from './suggestion.constants';
export {
  encodingOf,
  toPoint,
  toParams,
  normalizedDistance,
  type Encoding,
  type Point,
} from './space.encoding';
