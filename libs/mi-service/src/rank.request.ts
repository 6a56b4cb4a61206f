import { z } from 'zod';
import { convert, findProperty, hoursOf, parseUnit, type MiMaterials } from '@graftlab/db';
import type {
  BasePolymer,
  CandidateSpace,
  IrradiationAtmosphere,
  IrradiationMethod,
  MiModel,
  Monomer,
  MonomerComponent,
  NumericChoice,
  PropertyTarget,
  RadiationSource,
  TrainingRecord,
} from '@graftlab/mi-model';
import { DocumentError, zodProblems, type Problem } from '@graftlab/validation';

const range = z.union([
  z
    .object({
      min: z.number().finite(),
      max: z.number().finite(),
      steps: z.number().int().min(1).max(9).optional(),
    })
    .strict(),
  z.object({ values: z.array(z.number().finite()).min(1).max(20) }).strict(),
]);

/** The body of POST /api/mi/rank and `graftlab rank --spec`. */
export const RANK_SPEC_SCHEMA = z
  .object({
    targets: z
      .array(
        z
          .object({
            property: z.string().min(1).max(100),
            min: z.number().finite().optional(),
            max: z.number().finite().optional(),
            unit: z.string().min(1).max(50).optional(),
            at: z.union([z.number().finite().min(0), z.string().min(1).max(50)]).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10),
    candidates: z
      .object({
        basePolymers: z.array(z.string().min(1).max(100)).max(50),
        monomers: z.array(z.string().min(1).max(100)).max(100).optional(),
        monomerMixtures: z
          .array(
            z
              .array(
                z.object({ monomer: z.string().min(1).max(100), fraction: z.number().gt(0).max(1) }).strict(),
              )
              .min(2)
              .max(5),
          )
          .max(50)
          .optional(),
      })
      .strict(),
    conditions: z
      .object({
        doseKGy: range.optional(),
        doseRateKGyPerH: range.optional(),
        concentrationWtPct: range.optional(),
        temperatureC: range.optional(),
        timeH: range.optional(),
        storageH: range.optional(),
        methods: z
          .array(z.enum(['pre-irradiation', 'simultaneous']))
          .min(1)
          .optional(),
        sources: z
          .array(z.enum(['gamma', 'electron-beam']))
          .min(1)
          .optional(),
        atmospheres: z
          .array(z.enum(['inert', 'air']))
          .min(1)
          .optional(),
        media: z.array(z.string().min(1).max(50)).min(1).max(10).optional(),
      })
      .strict()
      .optional(),
    top: z.number().int().min(1).max(500).optional(),
    seed: z.number().int().optional(),
  })
  .strict();

export type RankSpec = z.output<typeof RANK_SPEC_SCHEMA>;

/** A target as asked (in the spec's unit) and as the model sees it (in the property's canonical unit). */
export interface ResolvedTarget {
  readonly asked: {
    readonly property: string;
    readonly unit: string;
    readonly min?: number;
    readonly max?: number;
  };
  /** From the model's (canonical) unit to the asked one. */
  readonly toAsked: (v: number) => number;
  readonly model: PropertyTarget;
}

export interface ResolvedRankRequest {
  readonly targets: readonly ResolvedTarget[];
  readonly candidates: CandidateSpace;
  readonly top?: number;
  readonly seed?: number;
}

const finite = (xs: readonly number[]) => xs.filter((x) => Number.isFinite(x));

function median(xs: readonly number[]): number | undefined {
  const s = finite(xs).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
}

/** The training data's span of a condition: what the model has seen, the default search range. */
function span(
  records: readonly TrainingRecord[],
  read: (r: TrainingRecord) => number | undefined,
): NumericChoice | undefined {
  const xs = finite(records.map((r) => read(r) ?? Number.NaN));
  if (xs.length === 0) return undefined;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { min, max };
}

/**
 * A base polymer as a candidate: its own descriptors, and for the lot-level ones (crystallinity, density, substrate
 * descriptors) the median over the samples of it in the training data, else over its base materials.
 */
export function candidatePolymerDescriptors(
  polymer: MiMaterials['basePolymers'][number],
  records: readonly TrainingRecord[],
): Record<string, number> {
  const descriptors: Record<string, number> = {};
  for (const [k, v] of Object.entries(polymer.descriptors))
    if (typeof v === 'number' && Number.isFinite(v)) descriptors[k] = v;
  const seen = records
    .filter((r) => r.system.basePolymer.id === polymer.name)
    .map((r) => r.system.basePolymer.descriptors);
  const lots: Record<string, number>[] = seen.length
    ? seen.map((d) => ({ ...d }))
    : polymer.materials.map((m) => {
        const d: Record<string, number> = {};
        for (const [k, v] of Object.entries(m.descriptors))
          if (typeof v === 'number' && Number.isFinite(v)) d[k] = v;
        if (m.crystallinity !== null) d.crystallinity = m.crystallinity;
        if (m.densityGCm3 !== null) d.densityGCm3 = m.densityGCm3;
        return d;
      });
  const names = new Set(lots.flatMap((d) => Object.keys(d)));
  for (const k of names) {
    const m = median(lots.map((d) => d[k] ?? Number.NaN));
    if (m !== undefined) descriptors[k] = m;
  }
  return descriptors;
}

function candidateMonomer(m: MiMaterials['monomers'][number]): Monomer {
  const descriptors: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.descriptors))
    if (typeof v === 'number' && Number.isFinite(v)) descriptors[k] = v;
  return { id: m.name, descriptors };
}

const byName = <T extends { id: string; name: string }>(list: readonly T[], name: string): T | undefined => {
  const key = name.trim().toLowerCase();
  return list.find((x) => x.name.toLowerCase() === key) ?? list.find((x) => x.id.toLowerCase() === key);
};

/**
 * A rank spec checked against the model and the database: every problem is reported with its JSON pointer (an
 * unknown property, a unit not of the property's dimension, a property the database has no data on, an unknown
 * material, no candidates, an empty range).
 */
export function resolveRankSpec(
  body: unknown,
  model: MiModel,
  materials: MiMaterials,
  records: readonly TrainingRecord[],
): ResolvedRankRequest {
  const parsed = RANK_SPEC_SCHEMA.safeParse(body);
  if (!parsed.success) throw new DocumentError(zodProblems(parsed.error, body));
  const spec = parsed.data;
  const problems: Problem[] = [];
  const bad = (pointer: string, message: string) => problems.push({ pointer, message });

  const targets: ResolvedTarget[] = [];
  spec.targets.forEach((t, i) => {
    const at = `/targets/${i}`;
    const property = findProperty(t.property);
    if (!property)
      return bad(
        `${at}/property`,
        `"${t.property}" is not a measured property (IEC, conductivity, water_uptake, ...)`,
      );
    if (!model.has(property.key))
      return bad(
        `${at}/property`,
        `the database has no data on ${property.key} to learn from (it has ${[...model.properties].sort().join(', ') || 'none'})`,
      );
    if (t.min === undefined && t.max === undefined) return bad(at, 'give min, max or both');
    const canonical = parseUnit(property.unit)!;
    const unitText = t.unit ?? property.unit;
    const unit = parseUnit(unitText);
    if (!unit || !unit.equalBase(canonical))
      return bad(`${at}/unit`, `"${unitText}" is not a unit of ${property.label} (${property.dimension})`);
    const toModel = (v: number) => convert(v, unit, canonical);
    const toAsked = (v: number) => convert(v, canonical, unit);
    const min = t.min === undefined ? undefined : toModel(t.min);
    const max = t.max === undefined ? undefined : toModel(t.max);
    if (min !== undefined && max !== undefined && !(max > min))
      return bad(`${at}/max`, 'must be greater than min');
    let hours: number | undefined;
    if (typeof t.at === 'number') hours = t.at;
    else if (t.at !== undefined) {
      hours = hoursOf(t.at);
      if (hours === undefined || hours < 0)
        return bad(`${at}/at`, `"${t.at}" is not a time on test (500, "500 h", "3 d")`);
    }
    targets.push({
      asked: {
        property: t.property,
        unit: unitText,
        ...(t.min !== undefined ? { min: t.min } : {}),
        ...(t.max !== undefined ? { max: t.max } : {}),
      },
      toAsked,
      model: {
        property: property.key,
        unit: model.unit(property.key),
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
        ...(hours !== undefined ? { at: hours } : {}),
      },
    });
  });

  const c = spec.candidates;
  const basePolymers: BasePolymer[] = [];
  if (c.basePolymers.length === 0) bad('/candidates/basePolymers', 'name at least one base polymer');
  c.basePolymers.forEach((name, i) => {
    const p = byName(materials.basePolymers, name);
    if (!p) bad(`/candidates/basePolymers/${i}`, `"${name}" is not a base polymer of the MI database`);
    else basePolymers.push({ id: p.name, descriptors: candidatePolymerDescriptors(p, records) });
  });
  const monomerOf = (name: string, pointer: string): Monomer | undefined => {
    const m = byName(materials.monomers, name);
    if (!m) bad(pointer, `"${name}" is not a monomer of the MI database`);
    return m && candidateMonomer(m);
  };
  const monomers = (c.monomers ?? []).flatMap(
    (name, i) => monomerOf(name, `/candidates/monomers/${i}`) ?? [],
  );
  const mixtures: MonomerComponent[][] = (c.monomerMixtures ?? []).map((mix, i) =>
    mix.flatMap((part, k) => {
      const m = monomerOf(part.monomer, `/candidates/monomerMixtures/${i}/${k}/monomer`);
      return m ? [{ ...m, fraction: part.fraction }] : [];
    }),
  );
  if ((c.monomers ?? []).length === 0 && (c.monomerMixtures ?? []).length === 0)
    bad('/candidates/monomers', 'name at least one monomer (or a monomer mixture)');

  const cond = spec.conditions ?? {};
  const checkRange = (name: string, r: NumericChoice | undefined, positive: boolean) => {
    if (!r) return;
    const values = 'values' in r ? r.values : [r.min, r.max];
    if ('min' in r && !(r.max >= r.min)) bad(`/conditions/${name}/max`, 'must be at least min');
    if (positive && values.some((v) => !(v > 0))) bad(`/conditions/${name}`, 'must be greater than 0');
  };
  checkRange('doseKGy', cond.doseKGy, true);
  checkRange('doseRateKGyPerH', cond.doseRateKGyPerH, true);
  checkRange('concentrationWtPct', cond.concentrationWtPct, true);
  checkRange('timeH', cond.timeH, true);
  checkRange('storageH', cond.storageH, false);
  if (problems.length) throw new DocumentError(problems);

  // Unset conditions span what the database holds, so proposals stay where the model has seen data.
  const seen = <T extends string>(read: (r: TrainingRecord) => T): T[] =>
    [...new Set(records.map(read))].sort();
  const fallback = (
    r: NumericChoice | undefined,
    read: (x: TrainingRecord) => number | undefined,
    deflt: NumericChoice,
  ) => r ?? span(records, read) ?? deflt;
  const candidates: CandidateSpace = {
    basePolymers,
    monomers,
    ...(mixtures.length ? { monomerMixtures: mixtures } : {}),
    irradiation: {
      methods: (cond.methods as IrradiationMethod[] | undefined) ?? seen((r) => r.irradiation.method),
      sources: (cond.sources as RadiationSource[] | undefined) ?? seen((r) => r.irradiation.source),
      atmospheres: (cond.atmospheres as IrradiationAtmosphere[] | undefined) ?? ['inert'],
      doseKGy: fallback(cond.doseKGy, (r) => r.irradiation.doseKGy, { min: 10, max: 100 }),
      ...(cond.doseRateKGyPerH ? { doseRateKGyPerH: cond.doseRateKGyPerH } : {}),
    },
    conditions: {
      concentrationWtPct: fallback(cond.concentrationWtPct, (r) => r.conditions.concentrationWtPct, {
        min: 5,
        max: 50,
      }),
      temperatureC: fallback(cond.temperatureC, (r) => r.conditions.temperatureC, { min: 40, max: 80 }),
      timeH: fallback(cond.timeH, (r) => r.conditions.timeH, { min: 1, max: 24 }),
      ...(cond.storageH ? { storageH: cond.storageH } : {}),
      ...(cond.media ? { media: cond.media } : {}),
    },
  };
  return { targets, candidates, top: spec.top, seed: spec.seed };
}
