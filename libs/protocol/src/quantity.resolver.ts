import { checkExpression, evaluateChecked, ExpressionError, type Value } from './expression.evaluator';
import {
  displayOf,
  hasKind,
  KINDS,
  kindOf,
  math,
  normalizeUnitText,
  toSi,
  type Kind,
} from './units.registry';

/** A value resolved for the plan: SI for machines, the written unit for people. */
export interface ResolvedQuantity {
  /** Value in the SI unit of its kind (Gy, s, K, m^3, kg, ...). */
  readonly si: number;
  readonly siUnit: string;
  /** Value in the unit it was written in (or the parameter's unit). */
  readonly value: number;
  readonly unit: string;
}

/** Declared limits of a quantity field, written with units and held in SI. */
export interface QuantitySpec {
  readonly kind: Kind;
  /** Exclusive lower bound, e.g. a dose must be more than 0 kGy. */
  readonly gt?: { si: number; text: string };
  readonly min?: { si: number; text: string };
  readonly max?: { si: number; text: string };
}

function bound(text: string | undefined, kind: Kind): { si: number; text: string } | undefined {
  if (text === undefined) return undefined;
  return { si: toSi(math.unit(normalizeUnitText(text)), kind), text };
}

export function quantitySpec(
  kind: Kind,
  limits: { gt?: string; min?: string; max?: string } = {},
): QuantitySpec {
  return {
    kind,
    gt: bound(limits.gt, kind),
    min: bound(limits.min, kind),
    max: bound(limits.max, kind),
  };
}

export function formatQuantity(q: { value: number; unit: string }): string {
  const v = Number(q.value.toPrecision(6));
  return q.unit ? `${v} ${q.unit}` : String(v);
}

/** Names a found value for a message: "a volume (30 mL)", "a plain number (30)". */
export function describeValue(v: Value): string {
  if (typeof v === 'number') return `a plain number (${Number(v.toPrecision(6))})`;
  const k = kindOf(v);
  const shown = formatQuantity(displayOf(v));
  return k ? `a ${KINDS[k].label} (${shown})` : `${shown}`;
}

/** Rounds away binary noise from unit conversion (50 mL → 5e-5 m³, not 4.9999999999999996e-5). */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** Checks a value's dimension and limits and resolves it; throws ExpressionError with the reason. */
export function resolveValue(v: Value, spec: QuantitySpec): ResolvedQuantity {
  const kind = KINDS[spec.kind];
  if (typeof v === 'number' || !hasKind(v, spec.kind)) {
    throw new ExpressionError(
      `expected a ${kind.label} such as "${kind.example}", found ${describeValue(v)}`,
    );
  }
  const si = toSi(v, spec.kind);
  const display = displayOf(v);
  const shown = formatQuantity(display);
  if (!Number.isFinite(si)) throw new ExpressionError(`${shown} is not a finite ${kind.label}`);
  if (spec.gt && !(si > spec.gt.si)) {
    throw new ExpressionError(`${kind.label} must be more than ${spec.gt.text}, found ${shown}`);
  }
  if (spec.min && si < spec.min.si) {
    throw new ExpressionError(`${kind.label} must be at least ${spec.min.text}, found ${shown}`);
  }
  if (spec.max && si > spec.max.si) {
    throw new ExpressionError(`${kind.label} must be at most ${spec.max.text}, found ${shown}`);
  }
  return { si: tidy(si), siUnit: kind.si, value: tidy(display.value), unit: display.unit };
}

/** Evaluates quantity text ("30 kGy", "${dose} * 2") over parameter values and checks it. */
export function resolveQuantity(
  text: string,
  spec: QuantitySpec,
  scope: ReadonlyMap<string, Value>,
): ResolvedQuantity {
  return resolveValue(evaluateChecked(checkExpression(text), scope), spec);
}
