import type { Compilation } from './compilation.context';
import type { PlannedStep, StepEvent, TimeWindow } from './plan.types';
import { flatPlanned } from './planned-steps.flatten';
import { timeWindowSchema } from './protocol.schema';

/**
 * Resolves the protocol's time windows ("step.start" to "step.end" within a limit) onto the planned
 * timeline, and reports a maximum the estimated timeline already breaks (unless a storage exemption
 * may apply at run time).
 */
export function resolveWindows(c: Compilation, steps: readonly PlannedStep[]): TimeWindow[] {
  const byKey = new Map(flatPlanned(steps).map((s) => [s.key, s]));
  const at = (ev: string) => {
    const dot = ev.lastIndexOf('.');
    const step = ev.slice(0, dot);
    const event = ev.slice(dot + 1) as StepEvent;
    const s = byKey.get(step);
    const t = s ? s.startOffsetS + (event === 'end' ? s.estimatedDurationS : 0) : 0;
    return { ref: { step, event }, t };
  };
  return c.protocol.timeWindows.map((w, i) => {
    const pointer = `/timeWindows/${i}`;
    const si = c.quantities(timeWindowSchema, w, pointer);
    const from = at(w.from);
    const to = at(w.to);
    const gap = to.t - from.t;
    const maxS = si('max');
    const minS = si('min');
    const exempt = si('exemptIfStoredAtOrBelow');
    if (maxS !== undefined && gap > maxS + 1e-6 && exempt === undefined) {
      c.problems.push({
        pointer: `${pointer}/max`,
        message: `cannot be met: the steps between ${w.from} and ${w.to} take ${Math.round(gap)} s, more than ${w.max}`,
      });
    }
    return {
      pointer,
      from: from.ref,
      to: to.ref,
      ...(minS !== undefined ? { minS } : {}),
      ...(maxS !== undefined ? { maxS } : {}),
      onViolation: w.onViolation,
      ...(exempt !== undefined ? { exemptIfStoredAtOrBelowK: exempt } : {}),
      plannedGapS: gap,
    };
  });
}
