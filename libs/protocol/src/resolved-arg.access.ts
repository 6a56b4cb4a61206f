import type { ResolvedArg } from './plan.types';
import type { ResolvedQuantity } from './quantity.resolver';

/** A quantity the compiler derived itself (dose from exposure, totals), shown in a chosen unit. */
export const quantityOf = (si: number, siUnit: string, value: number, unit: string): ResolvedQuantity => ({
  si,
  siUnit,
  value,
  unit,
});

export const isQuantity = (a: ResolvedArg | undefined): a is ResolvedQuantity =>
  a !== undefined && typeof a === 'object' && 'si' in a && typeof a.si === 'number';

/** SI value of a resolved quantity argument; undefined when absent (or not a quantity). */
export const siOf = (args: Readonly<Record<string, ResolvedArg>>, name: string): number | undefined => {
  const a = args[name];
  return isQuantity(a) ? a.si : undefined;
};
