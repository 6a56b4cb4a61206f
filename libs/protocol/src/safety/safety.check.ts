import type { Inventory } from '@graftlab/inventory';
import type { Problem } from '@graftlab/validation';
import type { ExecutionPlan } from '../plan.types';
import { plannedStateBefore, timeline, type RunStart } from './planned-state';
import { judgeStep, type SafetyVerdict } from './safety.rules';

/** Every rule's verdict on every step of the plan, each in the worst lab state the plan allows before it. */
export function planVerdicts(
  plan: ExecutionPlan,
  inventory: Inventory,
  start: RunStart = {},
): (SafetyVerdict & { readonly stepKey: string })[] {
  return timeline(plan.steps).flatMap((step) =>
    judgeStep({ plan, inventory, step, state: plannedStateBefore(plan, step, start) }).map((v) => ({
      ...v,
      stepKey: step.key,
    })),
  );
}

/**
 * Static safety check of a plan: every rule of the envelope (safety.rules.ts) judged on every step, in the
 * worst lab state the plan allows before it (`start`: what re-used samples already hold). The engine's gate judges the same rules on the lab as it is, so a
 * plan this accepts is never refused at run time for a reason the plan could know.
 */
export function checkSafety(plan: ExecutionPlan, inventory: Inventory, start: RunStart = {}): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const v of planVerdicts(plan, inventory, start)) {
    const key = `${v.pointer}\n${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ pointer: v.pointer, message: v.message });
  }
  return problems;
}
