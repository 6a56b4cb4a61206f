import type { PlannedStep } from './plan.types';

/** Every planned step in document order, parallel children right after their block. */
export function flatPlanned(steps: readonly PlannedStep[]): PlannedStep[] {
  return steps.flatMap((s) => [s, ...flatPlanned(s.children ?? [])]);
}
