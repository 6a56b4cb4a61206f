import { DocumentError, type Problem } from '@graftlab/validation';
import { checkExpression, evaluateChecked, ExpressionError, type Value } from './expression.evaluator';
import { parameterDefaults } from './protocol.checks';
import type { ParameterValue } from './parameters.schema';
import { parameterScope } from './parameter.scope';
import type { Protocol } from './protocol.schema';
import { displayOf, normalizeUnitText, parseUnit } from './units.registry';

/**
 * Computes the protocol's outputs from recorded values (e.g. W_0, W_g in g) and parameter values.
 * Throws DocumentError naming the output (/outputs/<i>/expression) for a missing value,
 * a division by zero or a non-finite result; never returns NaN or Infinity.
 */
export function evaluateOutputs(
  protocol: Protocol,
  recorded: Readonly<Record<string, number>>,
  parameters: Readonly<Record<string, ParameterValue>> = {},
): Record<string, { value: number; unit: string }> {
  const scope = new Map<string, Value>(
    parameterScope(protocol.parameters, { ...parameterDefaults(protocol), ...parameters }).values,
  );
  const problems: Problem[] = [];
  for (const [name, v] of Object.entries(recorded)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push({
        pointer: `/recorded/${name}`,
        message: `expected a finite number, found ${String(v)}`,
      });
    } else scope.set(name, v);
  }
  const out: Record<string, { value: number; unit: string }> = {};
  protocol.outputs.forEach((o, i) => {
    const pointer = `/outputs/${i}/expression`;
    try {
      const v = evaluateChecked(checkExpression(o.expression), scope);
      if (typeof v === 'number') {
        out[o.name] = { value: v, unit: o.unit ?? '' };
      } else if (o.unit !== undefined && parseUnit(o.unit)) {
        out[o.name] = { value: v.toNumber(normalizeUnitText(o.unit)), unit: o.unit };
      } else {
        out[o.name] = displayOf(v);
      }
      if (!Number.isFinite(out[o.name].value)) throw new ExpressionError('result is not a finite number');
    } catch (e) {
      problems.push({
        pointer,
        message:
          e instanceof ExpressionError ? `${o.name}: ${e.message}` : `${o.name}: ${(e as Error).message}`,
      });
    }
  });
  if (problems.length) throw new DocumentError(problems);
  return out;
}
