import type { DeviceRole } from '@graftlab/inventory';
import type { Step } from './steps.schema';

/** How the engine settles a step found in flight after a crash (see orchestrator anchors §5.3). */
export const SETTLEMENT_POLICIES = [
  'retry-safe',
  'resume-remaining',
  'compensate',
  'invalidate-sample',
  'ask-operator',
] as const;
export type SettlementPolicy = (typeof SETTLEMENT_POLICIES)[number];

/** Settlement policy of a step: declared per type, and for irradiation by whether a split dose is allowed. */
export function settlementOf(step: Step): SettlementPolicy {
  switch (step.type) {
    case 'weigh':
    case 'transfer':
    case 'heat':
    case 'stir':
    case 'drain':
    case 'measure':
    case 'titrate':
    case 'impedance':
      // A titration or a sweep only reads the film: measured again, it gives another reading of the same thing.
      return 'retry-safe';
    case 'irradiate':
      // Re-exposing from the start would overdose; only the remaining dose may be delivered.
      return step.splitDoseAllowed ? 'resume-remaining' : 'ask-operator';
    case 'hold':
    case 'wait':
    case 'store':
    case 'dry':
    case 'parallel':
    case 'soak':
      // The engine keeps a soak's schedule from the journal; each visit is journaled on its own.
      return 'resume-remaining';
    case 'purge':
    case 'evacuate-refill':
    case 'wash':
      return 'compensate';
    case 'dispense':
    case 'prompt':
    case 'functionalize':
      // An unknown delivered volume cannot be inferred; a person must look. Chemistry is irreversible: done
      // twice, a film is over-sulfonated or degraded, so a person says whether it happened.
      return 'ask-operator';
  }
}

/** Device roles a step needs; the first is its primary role (null when a person or the location does it). */
export function rolesOf(step: Step): DeviceRole[] {
  switch (step.type) {
    case 'weigh':
      return ['balance'];
    case 'transfer':
      return step.by === 'robot' ? ['sample-handler'] : [];
    case 'purge':
      return step.by === 'device' ? ['gas-controller', 'o2-sensor'] : [];
    case 'evacuate-refill':
      return step.by === 'device' ? ['gas-controller'] : [];
    case 'irradiate':
      return ['irradiator', 'shutter'];
    case 'dispense':
      return ['dispenser'];
    case 'heat':
      return ['temperature-controller'];
    case 'hold':
      return step.temperature !== undefined ? ['temperature-controller'] : [];
    case 'titrate':
      return ['titrator'];
    case 'impedance':
      return ['impedance-analyser'];
    case 'store':
    case 'stir':
    case 'wait':
    case 'drain':
    case 'wash':
    case 'dry':
    case 'measure':
    case 'prompt':
    case 'parallel':
    case 'functionalize':
    case 'soak':
      // A person does the chemistry; a soak's visits lease the instruments they measure with, one at a time.
      return [];
  }
}

/** Steps in document order, parallel children after their block, with JSON pointers. */
export function flattenSteps(
  steps: readonly Step[],
  base = '/steps',
): { step: Step; pointer: string; depth: number }[] {
  const out: { step: Step; pointer: string; depth: number }[] = [];
  const visit = (list: readonly Step[], prefix: string, depth: number) => {
    list.forEach((step, i) => {
      const pointer = `${prefix}/${i}`;
      out.push({ step, pointer, depth });
      if (step.type === 'parallel') visit(step.steps, `${pointer}/steps`, depth + 1);
    });
  };
  visit(steps, base, 0);
  return out;
}
