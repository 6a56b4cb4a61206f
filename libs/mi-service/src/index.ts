export {
  CONDITION_PARAMETERS,
  basePolymerOf,
  sampleRecords,
  trainingSet,
  type SkippedSample,
  type TrainingSet,
} from './training-records.mapping';
export {
  MI_PROPERTY_TRANSFORMS,
  MIN_RECORDS_PER_PROPERTY,
  MiModelCache,
  NoTrainingData,
  usableRecords,
  type MiModelCacheOptions,
  type MiModelState,
  type MiModelStatus,
  type MiTrainingSource,
  type TrainingSize,
} from './model.cache';
export {
  RANK_SPEC_SCHEMA,
  resolveRankSpec,
  type RankSpec,
  type ResolvedRankRequest,
  type ResolvedTarget,
} from './rank.request';
export {
  MiModelService,
  rankSpec,
  rankWith,
  type MiModelServiceOptions,
  type ProposalConditions,
  type RankedPrediction,
  type RankProposal,
  type RankResponse,
} from './mi-model.service';
export {
  seedSyntheticDatabase,
  syntheticDg,
  syntheticWaterUptake,
  SYNTHETIC_MONOMERS,
  SYNTHETIC_POLYMERS,
  UNSEEN_MONOMER,
  type SyntheticConditions,
} from './testing/synthetic-database.fixture';
export {
  campaignFromProposal,
  ModelChanged,
  PROPOSAL_CAMPAIGN_SCHEMA,
  proposalCampaignDefinition,
  protocolGrafts,
  type ProposalCampaign,
  type ProposalCampaignOptions,
  type ProposalCampaignRequest,
  type ProtocolCandidate,
} from './proposal.campaign';
export {
  priorBatchWith,
  proposeWithDatabasePrior,
  PriorUnavailable,
  withoutCampaign,
  type CampaignSystem,
  type PriorBatch,
  type PriorBatchRequest,
} from './database-prior.proposer';
export { MiThread, type ThreadReply, type ThreadRequest } from './model.thread-client';
