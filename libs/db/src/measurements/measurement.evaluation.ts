import { DocumentError, type Problem } from '@graftlab/validation';
import type { UncertaintyBasis } from '../schema';
import { mean, sampleStd } from '../uncertainty';
import {
  canonicalUnitOf,
  findProperty,
  MEASURED_PROPERTIES,
  type MeasuredProperty,
} from './measurement-properties.catalog';
import { convert, normalizeUnitText, parseUnit, sameDimension } from './measurement.units';

/** A value as someone reports it: in any compatible unit, with its uncertainty or what it can be derived from. */
export interface MeasurementInput {
  readonly property: string;
  /** Optional when replicates are given (their mean). */
  readonly value?: number;
  readonly unit: string;
  /** Stated uncertainty in `unit`: standard (k = 1), or expanded with its coverageFactor. */
  readonly uncertainty?: number;
  readonly coverageFactor?: number;
  /** Replicate values in `unit` (type A: s/√n). */
  readonly replicates?: readonly number[];
  /** Instrument resolution in `unit` (type B, rectangular: r/√12). */
  readonly resolution?: number;
}

/** The value in the property's canonical unit with a standard uncertainty, and what was entered. */
export interface EvaluatedMeasurement {
  readonly property: MeasuredProperty;
  readonly value: number;
  readonly unit: string;
  readonly uncertainty: number;
  readonly uncertaintyBasis: Exclude<UncertaintyBasis, 'unstated'>;
  readonly originalValue: number;
  readonly originalUnit: string;
  readonly originalUncertainty: number | null;
  readonly coverageFactor: number | null;
  readonly replicates: number[] | null;
  readonly resolution: number | null;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Checks the unit against the property's dimension, converts to the canonical unit (keeping the original) and
 * settles the standard uncertainty (GUM, k = 1): stated (divided by its coverage factor), else type A from two or
 * more replicates (s/√n, the standard uncertainty of their mean), combined in quadrature with type B from the
 * resolution (r/√12, rectangular) when both are given, else type B alone. Throws DocumentError naming every field
 * that is wrong (pointers relative to `at`), and the reason when no uncertainty can be had.
 */
export function evaluateMeasurement(input: MeasurementInput, at = ''): EvaluatedMeasurement {
  const problems: Problem[] = [];
  const bad = (field: string, message: string) => problems.push({ pointer: `${at}/${field}`, message });

  const property = findProperty(input.property);
  if (!property) {
    bad(
      'property',
      `unknown property "${input.property}"; known: ${MEASURED_PROPERTIES.map((p) => p.key).join(', ')}`,
    );
  }
  const unit = parseUnit(input.unit);
  const canonical = property ? canonicalUnitOf(property) : undefined;
  if (!unit) bad('unit', `"${input.unit}" is not a unit`);
  else if (property && canonical && !sameDimension(unit, canonical)) {
    bad('unit', `"${input.unit}" is not a unit of ${property.label} (expected ${property.dimension})`);
  }

  const replicates = input.replicates ? [...input.replicates] : null;
  if (replicates) {
    if (replicates.length === 0) bad('replicates', 'needs at least one value');
    replicates.forEach((r, i) => {
      if (!finite(r)) bad(`replicates/${i}`, `${String(r)} is not a number`);
    });
  }
  const usableReplicates = replicates && replicates.length > 0 && replicates.every(finite);
  const n = usableReplicates ? replicates.length : 0;
  const s = n >= 2 ? sampleStd(replicates!) : 0;
  const uA = n >= 2 ? s / Math.sqrt(n) : 0;

  let value = input.value;
  if (value !== undefined && !finite(value)) bad('value', `${String(value)} is not a number`);
  if (usableReplicates) {
    // To 15 significant digits: averaging decimal readings must not invent digits (0.045000000000000005).
    const m = Number(mean(replicates).toPrecision(15));
    if (value === undefined) value = m;
    else if (finite(value) && Math.abs(value - m) > Math.max(uA, 1e-12 * Math.abs(m))) {
      bad(
        'value',
        `${value} is not the mean of the replicates (${m}) within its standard uncertainty (${uA})`,
      );
    }
  } else if (value === undefined) {
    bad('value', 'required (or give the replicates)');
  }

  if (input.resolution !== undefined && !(finite(input.resolution) && input.resolution > 0)) {
    bad('resolution', 'must be a number above 0');
  }
  const k = input.coverageFactor;
  if (k !== undefined) {
    if (input.uncertainty === undefined) bad('coverageFactor', 'given without an uncertainty to divide');
    else if (!(finite(k) && k >= 1 && k <= 10)) bad('coverageFactor', 'must be a number from 1 to 10');
  }

  let uOriginal: number | undefined;
  let basis: EvaluatedMeasurement['uncertaintyBasis'] | undefined;
  const uB = finite(input.resolution) && input.resolution > 0 ? input.resolution / Math.sqrt(12) : 0;
  if (input.uncertainty !== undefined) {
    if (!(finite(input.uncertainty) && input.uncertainty > 0)) {
      bad(
        'uncertainty',
        'must be a number above 0 (no measurement is exact: give the real one, the replicates or the resolution)',
      );
    } else {
      uOriginal = input.uncertainty / (finite(k) ? k : 1);
      basis = 'given';
    }
  } else if (uA > 0) {
    uOriginal = Math.sqrt(uA ** 2 + uB ** 2);
    basis = uB > 0 ? 'replicates+resolution' : 'replicates';
  } else if (uB > 0) {
    uOriginal = uB;
    basis = 'resolution';
  } else {
    bad(
      'uncertainty',
      n === 1
        ? 'required: one replicate has no spread; give the uncertainty, more replicates or the instrument resolution'
        : n >= 2
          ? 'required: the replicates are identical (s = 0); give the uncertainty or the instrument resolution'
          : 'required: give the uncertainty (standard, k = 1), two or more replicates, or the instrument resolution',
    );
  }

  if (problems.length) throw new DocumentError(problems);
  const from = unit!;
  const to = canonical!;
  const same = normalizeUnitText(input.unit) === normalizeUnitText(property!.unit);
  const toCanonical = (x: number) => (same ? x : convert(x, from, to));
  return {
    property: property!,
    value: toCanonical(value!),
    unit: property!.unit,
    uncertainty: toCanonical(uOriginal!),
    uncertaintyBasis: basis!,
    originalValue: value!,
    originalUnit: input.unit.trim(),
    originalUncertainty: input.uncertainty ?? null,
    coverageFactor: input.uncertainty !== undefined ? (k ?? 1) : null,
    replicates,
    resolution: input.resolution ?? null,
  };
}
