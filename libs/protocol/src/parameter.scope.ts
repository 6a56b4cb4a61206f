import type { Problem } from '@graftlab/validation';
import { checkExpression, ExpressionError, evaluateChecked, type Value } from './expression.evaluator';
import type { Parameter, ParameterValue } from './parameters.schema';
import { resolveValue, type QuantitySpec, type ResolvedQuantity } from './quantity.resolver';
import { math, normalizeUnitText, parseUnit } from './units.registry';

/** Values expressions in step fields may read: number parameters, as quantities in their unit. */
export interface ParameterScope {
  readonly values: ReadonlyMap<string, Value>;
  readonly declared: ReadonlyMap<string, Parameter>;
}

export function parameterScope(
  parameters: readonly Parameter[],
  values: Readonly<Record<string, ParameterValue>>,
): ParameterScope {
  const scope = new Map<string, Value>();
  const declared = new Map<string, Parameter>();
  for (const p of parameters) {
    declared.set(p.name, p);
    if (p.type !== 'number') continue;
    const v = values[p.name];
    if (typeof v !== 'number') continue;
    scope.set(p.name, p.unit && parseUnit(p.unit) ? math.unit(v, normalizeUnitText(p.unit)) : v);
  }
  return { values: scope, declared };
}

/** Resolves one quantity field; a problem at its pointer instead of a throw. */
export function resolveField(
  text: string,
  spec: QuantitySpec,
  scope: ParameterScope,
  pointer: string,
): { value: ResolvedQuantity } | { problem: Problem } {
  try {
    const checked = checkExpression(text);
    for (const name of checked.names) {
      const p = scope.declared.get(name);
      if (!p) throw new ExpressionError(`unknown value "${name}": not a declared parameter`);
      if (p.type !== 'number') {
        throw new ExpressionError(`parameter "${name}" is a ${p.type}, not a number`);
      }
    }
    return { value: resolveValue(evaluateChecked(checked, scope.values), spec) };
  } catch (e) {
    const message = e instanceof ExpressionError ? e.message : `cannot evaluate: ${(e as Error).message}`;
    return { problem: { pointer, message } };
  }
}
