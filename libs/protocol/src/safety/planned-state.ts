import type { ExecutionPlan, PlannedStep } from '../plan.types';
import { NOMINAL_LIVE, type LabState } from './lab-state';
import { allSteps, quantityArg } from './safety.rules';

/** Steps in time order of their start (document order breaks ties), parallel children included. */
export function timeline(steps: readonly PlannedStep[]): PlannedStep[] {
  return allSteps(steps)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.startOffsetS - b.s.startOffsetS || a.i - b.i)
    .map((x) => x.s);
}

/** What the lab holds before the run starts, when the run re-uses samples. */
export interface RunStart {
  /** The most dose any of the run's samples already holds from earlier runs, Gy. */
  readonly doseHeldGy?: number;
}

const endOf = (s: PlannedStep) => s.startOffsetS + s.estimatedDurationS;

/**
 * The lab before `step` as the plan can promise it, taken on the unsafe side wherever the run's timing may
 * differ from the estimate: a step counts as complete only when its estimated end comes before `step` starts
 * (an inerting purge is not assumed done early), while every dose and dispense that starts no later than `step`
 * counts as delivered (a sibling in a parallel block may well finish first). A drain empties its vessel only
 * when it ends before `step` starts. Live readings are nominal: the plan cannot know them.
 */
export function plannedStateBefore(plan: ExecutionPlan, step: PlannedStep, start: RunStart = {}): LabState {
  const startS = step.startOffsetS + 1e-6;
  const enclosing = (s: PlannedStep): boolean => s === step || (s.children ?? []).some(enclosing);
  const earlier = timeline(plan.steps).filter((s) => s.startOffsetS <= startS && !enclosing(s));
  const completed = new Set(
    earlier.filter((s) => s.type !== 'parallel' && endOf(s) <= startS).map((s) => s.key),
  );
  let priorDose = 0;
  const held = start.doseHeldGy ?? 0;
  const volume: Record<string, number> = {};
  for (const s of earlier) {
    const vessel = typeof s.args.vessel === 'string' ? s.args.vessel : undefined;
    if (s.type === 'irradiate') priorDose += s.dose?.si ?? 0;
    else if (s.type === 'drain' && vessel && endOf(s) <= startS) volume[vessel] = 0;
    else if (s.type === 'dispense' && vessel)
      volume[vessel] = (volume[vessel] ?? 0) + (quantityArg(s.args, 'volume')?.si ?? 0);
  }
  return {
    completed,
    priorDosePerSampleGy: held + priorDose,
    priorDosePerRunGy: priorDose * plan.sampleCount,
    sampleCount: plan.sampleCount,
    vesselVolumeM3: volume,
    live: NOMINAL_LIVE,
  };
}
