import type { Inventory } from '@graftlab/inventory';
import { checkSoakPlacement } from './characterization.resolver';
import { DocumentError } from '@graftlab/validation';
import { Compilation } from './compilation.context';
import { parameterScope } from './parameter.scope';
import { resolveParameterValues } from './parameter.values';
import { assemblePlan } from './plan.assembly';
import type { ExecutionPlan } from './plan.types';
import type { Protocol } from './protocol.schema';
import { resolveEnvelope } from './safety-envelope.resolver';
import { checkSafety } from './safety';
import { checkSampleRoute } from './sample-route.check';
import { planSteps } from './step.resolver';
import { resolveWindows } from './time-window.resolver';

// Part of this module's public surface since before the compiler was split.
export { flatPlanned } from './planned-steps.flatten';

export interface CompileOptions {
  /** Plan date for decay correction (defaults to today); only its UTC date matters. */
  readonly now?: Date;
}

/** UTC calendar date of `now`: decay is corrected per day so a plan is stable within its date. */
export function planDateOf(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new DocumentError([{ pointer: '', message: 'invalid plan date' }]);
  return now.toISOString().slice(0, 10);
}

/**
 * Compiles a validated protocol, parameter values and a lab inventory into an execution plan.
 * Throws DocumentError with every problem (parameters at /parameters/<name>, steps at their
 * pointers, safety violations included); a plan is returned only when there are none.
 */
export function compileProtocol(
  protocol: Protocol,
  parameterValues: Readonly<Record<string, unknown>>,
  inventory: Inventory,
  options: CompileOptions = {},
): ExecutionPlan {
  const plan = draftPlan(protocol, parameterValues, inventory, options);
  const problems = [...checkSafety(plan, inventory), ...checkSampleRoute(plan, inventory)];
  if (problems.length) throw new DocumentError(problems);
  return plan;
}

/**
 * The plan before its safety check: for analysing why a plan is unsafe (the safety conformance test compares the
 * plan check with the run-time gate on it). Never execute a draft; `compileProtocol` is the only way to a run.
 */
export function draftPlan(
  protocol: Protocol,
  parameterValues: Readonly<Record<string, unknown>>,
  inventory: Inventory,
  options: CompileOptions = {},
): ExecutionPlan {
  const planDate = planDateOf(options.now ?? new Date());
  const { values, problems: parameterProblems } = resolveParameterValues(protocol, parameterValues);
  if (parameterProblems.length) throw new DocumentError(parameterProblems);

  const c = new Compilation(
    protocol,
    inventory,
    parameterScope(protocol.parameters, values),
    new Date(`${planDate}T00:00:00Z`),
  );
  // Steps first: the time windows read the timeline they produce. Problems are collected, then thrown together.
  const steps = planSteps(c, protocol.steps, '/steps', 0, false);
  checkSoakPlacement(c, steps);
  const safety = resolveEnvelope(c);
  const timeWindows = resolveWindows(c, steps);
  if (c.problems.length) throw new DocumentError(c.problems);

  return assemblePlan(c, { planDate, parameters: values, steps, safety, timeWindows });
}
