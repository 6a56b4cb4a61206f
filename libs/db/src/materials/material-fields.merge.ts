import type { Problem } from '@graftlab/validation';
import type { Descriptors } from '../schema';

type Scalar = string | number | null;

export interface FieldMerge {
  /** Fields to write (the whole row for a new record). */
  readonly patch: Record<string, Scalar>;
  readonly descriptors: Descriptors;
  readonly catalogueFields: string[];
  readonly conflicts: Problem[];
  readonly changed: boolean;
}

const same = (a: Scalar | undefined, b: Scalar | undefined) =>
  typeof a === 'number' && typeof b === 'number'
    ? Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))
    : a === b;

/**
 * What a material record becomes when someone states some of its values: empty fields are filled, a stated value
 * replaces one filled from the catalogue, equal values are confirmed, and a stated value that differs from another
 * stated value is a conflict (never silently overwritten, never silently ignored) — except for `lenient` fields
 * (SMILES: one molecule has many spellings, and they are not canonicalised here; the first recorded is kept).
 * Catalogue values only fill what is still empty after that.
 */
export function mergeFields(options: {
  stored: Record<string, Scalar>;
  storedDescriptors: Descriptors;
  storedCatalogueFields: readonly string[];
  given: Record<string, Scalar | undefined>;
  givenDescriptors?: Descriptors;
  catalogue?: { fields: Record<string, Scalar | undefined>; descriptors: Descriptors };
  lenient?: readonly string[];
  /** Pointer prefix of conflicts (e.g. "/base_material"). */
  at?: string;
}): FieldMerge {
  const { stored, storedDescriptors, given, givenDescriptors = {}, catalogue } = options;
  const fromCatalogue = new Set(options.storedCatalogueFields);
  const patch: Record<string, Scalar> = {};
  const descriptors: Descriptors = { ...storedDescriptors };
  const conflicts: Problem[] = [];
  let changed = false;

  const settle = (
    name: string,
    current: Scalar | undefined,
    wanted: Scalar | undefined,
    write: (v: Scalar) => void,
  ) => {
    if (wanted === undefined || wanted === null) return;
    if (current === undefined || current === null || fromCatalogue.has(name)) {
      if (!same(current, wanted) || fromCatalogue.has(name)) changed = true;
      write(wanted);
      fromCatalogue.delete(name);
    } else if (!same(current, wanted) && !options.lenient?.includes(name)) {
      conflicts.push({
        pointer: `${options.at ?? ''}/${name}`,
        message: `already recorded as ${String(current)}, not ${String(wanted)}`,
      });
    }
  };
  for (const [name, wanted] of Object.entries(given)) {
    settle(name, stored[name], wanted, (v) => (patch[name] = v));
  }
  for (const [key, wanted] of Object.entries(givenDescriptors)) {
    settle(`descriptors.${key}`, descriptors[key], wanted, (v) => (descriptors[key] = v));
  }
  if (catalogue) {
    for (const [name, value] of Object.entries(catalogue.fields)) {
      const current = name in patch ? patch[name] : stored[name];
      if ((current === undefined || current === null) && value !== undefined && value !== null) {
        patch[name] = value;
        fromCatalogue.add(name);
        changed = true;
      }
    }
    for (const [key, value] of Object.entries(catalogue.descriptors)) {
      if ((descriptors[key] === undefined || descriptors[key] === null) && value !== null) {
        descriptors[key] = value;
        fromCatalogue.add(`descriptors.${key}`);
        changed = true;
      }
    }
  }
  return { patch, descriptors, catalogueFields: [...fromCatalogue].sort(), conflicts, changed };
}
