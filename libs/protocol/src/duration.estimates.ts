import type { PlannedStep, ResolvedArg } from './plan.types';
import { siOf } from './resolved-arg.access';
import type { Step } from './steps.schema';

/** Assumed temperature of a vessel nothing has heated yet (and of a location with none declared). */
export const AMBIENT_K = 293.15;
const DEFAULT_RAMP_K_PER_S = 2 / 60;
const DEFAULT_DISPENSE_RATE_M3_PER_S = 10e-6 / 60;

/** What the duration of some steps depends on beyond their own arguments. */
export interface DurationContext {
  /** Irradiate: exposure time from the decay-corrected dose rate (undefined when unresolved). */
  readonly exposureS?: number;
  /** Heat: the vessel's temperature before the step (undefined: still at ambient). */
  readonly startK?: number;
  /** Parallel: the planned children, which all start together. */
  readonly children?: readonly PlannedStep[];
  /** Soak: its visit times on test, s. */
  readonly visitsS?: readonly number[];
}

/**
 * Planning estimate of a step's duration, s, for the timeline and the time windows. Defaults are
 * typical bench times where the protocol leaves the duration open; never NaN or infinite.
 */
export function estimateDurationS(
  step: Step,
  args: Readonly<Record<string, ResolvedArg>>,
  context: DurationContext = {},
): number {
  const s = rawEstimateS(step, args, context);
  return Number.isFinite(s) ? s : 0;
}

function rawEstimateS(
  step: Step,
  args: Readonly<Record<string, ResolvedArg>>,
  context: DurationContext,
): number {
  switch (step.type) {
    case 'weigh': {
      // Each replicate: the stability period (10 s unless declared) plus 20 s of handling.
      const period =
        args.stability && typeof args.stability === 'object'
          ? siOf(args.stability as Record<string, ResolvedArg>, 'period')
          : undefined;
      return step.replicates * ((period ?? 10) + 20);
    }
    case 'transfer':
      return step.by === 'robot' ? 60 : 120;
    case 'purge':
      return siOf(args, 'minDuration') ?? 0;
    case 'evacuate-refill':
      return step.cycles * (siOf(args, 'cycleTime') ?? 300);
    case 'irradiate':
      return context.exposureS ?? 0;
    case 'dispense': {
      const volume = siOf(args, 'volume');
      return volume !== undefined ? volume / (siOf(args, 'rate') ?? DEFAULT_DISPENSE_RATE_M3_PER_S) : 120;
    }
    case 'heat': {
      const setK = siOf(args, 'setpoint');
      if (setK === undefined) return 0;
      return Math.abs(setK - (context.startK ?? AMBIENT_K)) / (siOf(args, 'ramp') ?? DEFAULT_RAMP_K_PER_S);
    }
    case 'store':
    case 'hold':
    case 'stir':
    case 'wait':
      return siOf(args, 'duration') ?? 0;
    case 'drain':
      return siOf(args, 'duration') ?? 120;
    case 'wash':
      return (step.cycles ?? 3) * (siOf(args, 'cycleDuration') ?? 600);
    case 'dry': {
      const ucm = args.untilConstantMass as Record<string, ResolvedArg> | undefined;
      // Until constant mass: typically three weighing intervals, never more than the declared maximum.
      return (
        siOf(args, 'duration') ??
        (ucm ? Math.min(siOf(ucm, 'maxDuration') ?? Infinity, 3 * (siOf(ucm, 'interval') ?? 3600)) : 0)
      );
    }
    case 'measure':
      return siOf(args, 'duration') ?? 600;
    case 'prompt':
      return 60;
    case 'functionalize':
      return siOf(args, 'time') ?? 0;
    // Exchange in NaCl and titration; a sweep of the cell with handling.
    case 'titrate':
      return 1800;
    case 'impedance':
      return 300;
    // Until the last visit, and its measurements.
    case 'soak':
      return Math.max(0, ...(context.visitsS ?? [])) + 1800;
    case 'parallel':
      return Math.max(0, ...(context.children ?? []).map((c) => c.estimatedDurationS));
  }
}
