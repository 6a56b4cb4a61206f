export {
  CONDITION_PARAMETERS,
  basePolymerOf,
  sampleRecords,
  trainingSet,
  type SkippedSample,
  type TrainingSet,
} from './training-records.mapping';
