import type { Problem } from '@graftlab/validation';
import { checkExpression, evaluateChecked } from './expression.evaluator';
import type { ParameterValue } from './parameters.schema';
import type { Protocol } from './protocol.schema';
import { math, normalizeUnitText, parseUnit } from './units.registry';

/**
 * Applies defaults and validates given values against the declarations. Numbers may come as
 * numbers, numeric strings (CLI, query strings) or quantities in a compatible unit ("30 kGy").
 * Problems point at /parameters/<name>.
 */
export function resolveParameterValues(
  protocol: Protocol,
  given: Readonly<Record<string, unknown>>,
): { values: Record<string, ParameterValue>; problems: Problem[] } {
  const problems: Problem[] = [];
  const values: Record<string, ParameterValue> = {};
  const declared = new Map(protocol.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = [...declared.keys()];
      problems.push({
        pointer: `/parameters/${name}`,
        message: `unknown parameter "${name}"${known.length ? `; declared: ${known.join(', ')}` : '; none declared'}`,
      });
    }
  }
  for (const p of protocol.parameters) {
    const at = `/parameters/${p.name}`;
    const raw = Object.prototype.hasOwnProperty.call(given, p.name) ? given[p.name] : undefined;
    if (raw === undefined) {
      values[p.name] = p.default;
      continue;
    }
    switch (p.type) {
      case 'number': {
        let n: number | undefined;
        if (typeof raw === 'number') n = raw;
        else if (typeof raw === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw))
          n = Number(raw);
        else if (typeof raw === 'string' && p.unit !== undefined && parseUnit(p.unit)) {
          try {
            const v = evaluateChecked(checkExpression(raw), new Map());
            const target = normalizeUnitText(p.unit);
            if (typeof v !== 'number' && v.equalBase(math.unit(target))) n = v.toNumber(target);
          } catch {
            n = undefined;
          }
        }
        if (n === undefined || !Number.isFinite(n)) {
          problems.push({
            pointer: at,
            message: `expected a number${p.unit ? ` in ${p.unit}` : ''}, found ${JSON.stringify(raw)}`,
          });
          break;
        }
        if (n < p.min || n > p.max) {
          const u = p.unit ? ` ${p.unit}` : '';
          problems.push({
            pointer: at,
            message: `${n}${u} is outside the declared range ${p.min}..${p.max}${u}`,
          });
          break;
        }
        if (p.integer && !Number.isInteger(n)) {
          problems.push({ pointer: at, message: `expected an integer, found ${n}` });
          break;
        }
        values[p.name] = n;
        break;
      }
      case 'choice':
        if (typeof raw !== 'string' || !p.choices.includes(raw)) {
          problems.push({
            pointer: at,
            message: `expected one of ${p.choices.map((c) => `"${c}"`).join(', ')}, found ${JSON.stringify(raw)}`,
          });
        } else values[p.name] = raw;
        break;
      case 'boolean':
        if (typeof raw === 'boolean') values[p.name] = raw;
        else if (raw === 'true' || raw === 'false') values[p.name] = raw === 'true';
        else problems.push({ pointer: at, message: `expected true or false, found ${JSON.stringify(raw)}` });
        break;
      case 'text':
        if (typeof raw !== 'string')
          problems.push({ pointer: at, message: `expected text, found ${JSON.stringify(raw)}` });
        else if (raw.length > p.maxLength)
          problems.push({ pointer: at, message: `longer than ${p.maxLength} characters` });
        else values[p.name] = raw;
        break;
    }
  }
  return { values, problems };
}
