import { z } from 'zod';
import { checkExpression, evaluateChecked, ExpressionError } from './expression.evaluator';
import { quantitySpec, resolveValue, type QuantitySpec } from './quantity.resolver';
import { isUnitName, KINDS, type Kind } from './units.registry';
import { RESERVED_NAMES } from './expression.evaluator';

/** Quantity fields by schema instance, so checks and the compiler find every field's kind and limits. */
const QUANTITY_SPECS = new WeakMap<z.ZodType, QuantitySpec>();

export function quantitySpecOf(schema: z.ZodType): QuantitySpec | undefined {
  return QUANTITY_SPECS.get(schema);
}

/**
 * A quantity written as text with its unit ("30 kGy") or as an expression over parameters
 * ("${dose} * 2"). Literals are checked here (dimension and limits); expressions that name
 * parameters are checked once the parameter declarations are known.
 */
export function qty(
  kind: Kind,
  limits: { gt?: string; min?: string; max?: string } = {},
  description?: string,
) {
  const spec = quantitySpec(kind, limits);
  const k = KINDS[kind];
  const range = [
    limits.gt && `> ${limits.gt}`,
    limits.min && `≥ ${limits.min}`,
    limits.max && `≤ ${limits.max}`,
  ].filter(Boolean);
  const schema = z
    .string({ error: `expected a ${k.label} as text with a unit, such as "${k.example}"` })
    .max(500)
    .superRefine((text, ctx) => {
      try {
        const checked = checkExpression(text);
        if (checked.names.size === 0) resolveValue(evaluateChecked(checked, new Map()), spec);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: e instanceof ExpressionError ? e.message : `invalid ${k.label}: ${(e as Error).message}`,
        });
      }
    })
    .meta({
      description:
        (description ? description + '. ' : '') +
        `A ${k.label} with its unit, e.g. "${k.example}", or an expression over parameters such as "\${name}"` +
        (range.length ? ` (${range.join(', ')})` : ''),
      examples: [k.example],
      'x-graftlab-kind': kind,
    });
  QUANTITY_SPECS.set(schema, spec);
  return schema;
}

/** A name that expressions can read: a parameter, a recorded value, an output. */
export const valueName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
    message: 'expected a name of letters, digits and _ starting with a letter',
  })
  .max(64)
  .refine((n) => !RESERVED_NAMES.has(n), { message: 'this name is reserved' })
  .refine((n) => !isUnitName(n), { message: 'this name is a unit symbol; choose another name' });

export const stepKey = z
  .string({ error: 'expected a step key such as "irradiate"' })
  .regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a step key of lower-case letters, digits and dashes' })
  .max(64);

/** Same spelling as inventory location ids ("rack-a", "irradiator-1/p1"). */
export const locationId = z
  .string({ error: 'expected a location id such as "rack-a"' })
  .regex(/^[a-z0-9][a-z0-9-/]*$/, {
    message: 'expected a location id such as "rack-a" or "reactor-1/vessel"',
  })
  .max(100);

export const reagentId = z
  .string({ error: 'expected a reagent id such as "monomer-solution"' })
  .regex(/^[a-z0-9][a-z0-9-]*$/, {
    message: 'expected a reagent id of lower-case letters, digits and dashes',
  })
  .max(64);

export const text = (max: number) => z.string().min(1).max(max);
