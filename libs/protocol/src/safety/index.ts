export { checkSafety, planVerdicts } from './safety.check';
export { judgeStep, SAFETY_RULES, allSteps } from './safety.rules';
export type { SafetyRule, SafetyRuleId, SafetyRuleInput, SafetyVerdict } from './safety.rules';
export { plannedStateBefore, timeline, type RunStart } from './planned-state';
export { NOMINAL_LIVE } from './lab-state';
export type { LabState, LiveReadings, IrradiatorPermissives } from './lab-state';
