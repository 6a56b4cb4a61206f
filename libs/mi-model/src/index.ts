export * from './record.types';
export {
  FeatureEncoding,
  mixtureDescriptor,
  type FeatureDefinition,
  type FeatureEncodingOptions,
  type FeatureScale,
  type SystemIdentity,
} from './feature.encoding';
export {
  DEFAULT_PROPERTY_TRANSFORMS,
  outputTransform,
  transformKindFor,
  type OutputTransform,
  type TransformKind,
} from './property.transform';
export { PropertyPrediction } from './property.prediction';
export { normalCdf, normalQuantile, logNormalCdf, centralIntervalZ } from './normal.distribution';
export type { MaternHyperparameters } from './ard-matern.kernel';
export {
  DescriptorGp,
  type CalibrationMethod,
  type CalibrationReport,
  type DescriptorGpOptions,
  type GpObservations,
  type LatentPoint,
  type Standardization,
} from './descriptor-gp.model';
export { defaultPriors, type HyperparameterPriors, type LogNormalPrior } from './marginal-likelihood.fit';
export {
  intervalCoverage,
  coverageOfIntervals,
  varianceScaleFromResiduals,
  VARIANCE_SCALE_BOUNDS,
} from './interval.calibration';
export { MiModel, type MiModelOptions, type PredictOptions } from './mi.model';
export { MI_MODEL_CODE_VERSION, versionHash } from './model-version.hash';
export { CandidateGrid, type CandidateSpace, type NumericChoice } from './candidate.space';
export {
  rankForTargets,
  scoreTargets,
  validateTargets,
  type PropertyTarget,
  type Ranking,
  type RankingOptions,
  type RankingSpec,
  type RankedProposal,
  type TargetPrediction,
  type TargetScore,
} from './target.ranking';
export { TransferModel, type Relatedness, type TransferOptions } from './transfer.model';
export {
  dominates,
  hypervolume,
  hypervolumeImprovement,
  paretoFront,
  paretoFrontIndices,
  referencePoint,
} from './hypervolume.indicator';
export { JointSampler, type LatentModel } from './posterior.sampler';
export {
  proposeParetoBatch,
  proposeWeightedSumBatch,
  propertyOutcome,
  type BatchProposal,
  type BatchRequest,
  type BatchResult,
  type Direction,
  type Outcome,
  type OutcomeConstraint,
  type ParetoObjective,
} from './pareto.acquisition';
