export * from './campaign.schema';
export { parseCampaignDefinition, settingsFor, protocolSpace } from './campaign.validation';
export { campaignRow, settingsOf, listCampaigns, suggestionById } from './campaign.record';
export {
  checkProposal,
  outsideEnvelope,
  runParameters,
  addUsage,
  type CampaignUsage,
  type ProposalCheck,
} from './proposal.check';
export {
  CampaignLoop,
  AUTONOMY_APPROVER,
  CHECK_REFUSAL,
  type Actor,
  type AdvanceAction,
  type AdvanceReport,
  type CampaignLoopDeps,
  type SuggestionOutcome,
} from './campaign.loop';
export { campaignView, type CampaignView, type SuggestionView } from './campaign.view';
export { campaignLockKey, RedisCampaignLock, type CampaignLock } from './campaign.lock';
export { paretoView, type ParetoPoint, type ParetoView } from './pareto.view';
