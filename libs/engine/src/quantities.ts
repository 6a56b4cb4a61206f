import type { PlannedStep, ResolvedArg, ResolvedQuantity } from '@graftlab/protocol';

function isQuantity(a: ResolvedArg | undefined): a is ResolvedQuantity {
  return typeof a === 'object' && a !== null && 'si' in a && typeof (a as ResolvedQuantity).si === 'number';
}

/** A resolved quantity argument in SI, or undefined when the step does not set it. */
export function siArg(step: PlannedStep, name: string): number | undefined {
  const a = step.args[name];
  return isQuantity(a) ? a.si : undefined;
}

export function requiredSi(step: PlannedStep, name: string): number {
  const v = siArg(step, name);
  if (v === undefined) throw new Error(`step ${step.key}: argument ${name} is missing in the plan`);
  return v;
}

export function stringArg(step: PlannedStep, name: string): string | undefined {
  const a = step.args[name];
  return typeof a === 'string' ? a : undefined;
}

export function numberArg(step: PlannedStep, name: string): number | undefined {
  const a = step.args[name];
  return typeof a === 'number' ? a : undefined;
}

export function booleanArg(step: PlannedStep, name: string): boolean | undefined {
  const a = step.args[name];
  return typeof a === 'boolean' ? a : undefined;
}

export const KELVIN = 273.15;
export const M3_PER_ML = 1e-6;
/** 1 sccm = 1 standard cm³/min = 1e-6 m³ / 60 s. */
export const M3_PER_S_PER_SCCM = 1e-6 / 60;
