import { z } from 'zod';
import type { QuantitySpec } from './quantity.resolver';
import { quantitySpecOf } from './quantity.schema';

export interface QuantityField {
  readonly text: string;
  readonly spec: QuantitySpec;
  readonly pointer: string;
  /** Property path below the walked object, e.g. ["untilConstantMass", "tolerance"]. */
  readonly path: readonly string[];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** Every quantity field present in `value`, found through the zod schema that declared it. */
export function quantityFields(schema: z.ZodType, value: unknown, pointer: string): QuantityField[] {
  const out: QuantityField[] = [];
  const walk = (s: z.ZodType, v: unknown, ptr: string, path: string[]) => {
    const inner = unwrap(s);
    const spec = quantitySpecOf(inner);
    if (spec) {
      if (typeof v === 'string') out.push({ text: v, spec, pointer: ptr, path });
      return;
    }
    if (inner instanceof z.ZodObject && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
        if (Object.prototype.hasOwnProperty.call(v, key)) {
          walk(field, (v as Record<string, unknown>)[key], `${ptr}/${key}`, [...path, key]);
        }
      }
    }
    // A list of quantities (a soak's visit times): each element by its index.
    if (inner instanceof z.ZodArray && Array.isArray(v)) {
      v.forEach((item, i) => walk(inner.element as z.ZodType, item, `${ptr}/${i}`, [...path, String(i)]));
    }
  };
  walk(schema, value, pointer, []);
  return out;
}
