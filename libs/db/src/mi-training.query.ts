import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './db.types';
import { findProperty } from './measurements/measurement-properties.catalog';
import {
  baseMaterials,
  basePolymers,
  doseLedger,
  irradiations,
  measurements,
  monomers,
  recipeComponents,
  recipes,
  results,
  runs,
  runSamples,
  samples,
  type DataOrigin,
  type Descriptors,
} from './schema';

/**
 * What the MI model learns from, one row per sample, as the database holds it (no modelling decisions here: the
 * mapping to training records lives in @graftlab/mi-service). A sample processed by several runs is described by
 * its latest run, as in the wide export.
 */
export interface MiSampleRow {
  readonly sampleId: string;
  readonly origin: DataOrigin;
  readonly status: string;
  readonly runId: string | null;
  readonly runState: string | null;
  readonly campaignId: string | null;
  readonly basePolymer: {
    readonly id: string;
    readonly name: string;
    readonly descriptors: Descriptors;
  } | null;
  readonly material: {
    readonly id: string;
    readonly thicknessUm: number | null;
    readonly crystallinity: number | null;
    readonly densityGCm3: number | null;
    readonly descriptors: Descriptors;
  } | null;
  readonly recipe: {
    readonly id: string;
    readonly medium: string | null;
    readonly monomerConcentration: number | null;
    readonly monomerConcentrationUnit: string | null;
  } | null;
  /** The grafting monomers (crosslinkers and other roles left out), fractions as recorded (null for one). */
  readonly monomers: readonly {
    readonly id: string;
    readonly name: string;
    readonly fraction: number | null;
    readonly descriptors: Descriptors;
  }[];
  /** Sum of the dose ledger (null when the sample has no entry). */
  readonly doseKGy: number | null;
  readonly doseRateKGyPerH: number | null;
  readonly irradiation: {
    readonly method: string | null;
    readonly sourceKind: string | null;
    readonly atmosphere: string | null;
    readonly storageTimeH: number | null;
    readonly storageTemperatureC: number | null;
  } | null;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Measured values: measurements (canonical units) and the latest run's outputs that name a catalogue property. */
  readonly values: readonly MiValueRow[];
}

export interface MiValueRow {
  /** `m:<measurement id>` or `r:<result id>`. */
  readonly id: string;
  /** Catalogue key (degree_of_grafting, ion_exchange_capacity, ...). */
  readonly property: string;
  readonly value: number;
  readonly unit: string;
  /** Standard uncertainty, or null when not stated. */
  readonly uncertainty: number | null;
  readonly timeOnTestH: number | null;
  readonly kind: 'measurement' | 'result';
}

const CHUNK = 1000;

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Every sample of the MI database (lab runs, imported history, literature) with what it was made of, how, and what
 * was measured on it. Invalidated samples are left out (their numbers describe a failed process, not the recipe).
 */
export async function readMiSamples(db: Db): Promise<MiSampleRow[]> {
  const rows = await db
    .select({ sample: samples, basePolymer: basePolymers, material: baseMaterials })
    .from(samples)
    .leftJoin(basePolymers, eq(basePolymers.id, samples.basePolymerId))
    .leftJoin(baseMaterials, eq(baseMaterials.id, samples.baseMaterialId))
    .where(sql`${samples.status} <> 'invalidated'`)
    .orderBy(asc(samples.id));
  const ids = rows.map((r) => r.sample.id);
  const latestRun = new Map<string, typeof runs.$inferSelect>();
  const dose = new Map<string, { total: number; rate: number | null }>();
  const irradiationOf = new Map<string, typeof irradiations.$inferSelect>();
  const measured = new Map<string, (typeof measurements.$inferSelect)[]>();
  const outputs = new Map<string, (typeof results.$inferSelect)[]>();
  for (const part of chunks(ids)) {
    for (const r of await db
      .select({ sampleId: runSamples.sampleId, run: runs })
      .from(runSamples)
      .innerJoin(runs, eq(runs.id, runSamples.runId))
      .where(inArray(runSamples.sampleId, part))
      .orderBy(desc(runs.createdAt), desc(runs.id))) {
      if (!latestRun.has(r.sampleId)) latestRun.set(r.sampleId, r.run);
    }
    for (const d of await db
      .select()
      .from(doseLedger)
      .where(inArray(doseLedger.sampleId, part))
      .orderBy(asc(doseLedger.id))) {
      const cur = dose.get(d.sampleId);
      dose.set(d.sampleId, {
        total: (cur?.total ?? 0) + d.deliveredKGy,
        rate: d.doseRateKGyPerH ?? cur?.rate ?? null,
      });
    }
    for (const i of await db
      .select()
      .from(irradiations)
      .where(inArray(irradiations.sampleId, part))
      .orderBy(asc(irradiations.createdAt), asc(irradiations.id))) {
      irradiationOf.set(`${i.runId ?? ''}\u0000${i.sampleId}`, i);
      if (!irradiationOf.has(`*\u0000${i.sampleId}`) || i.runId === null)
        irradiationOf.set(`*\u0000${i.sampleId}`, i);
    }
    for (const m of await db
      .select()
      .from(measurements)
      .where(inArray(measurements.sampleId, part))
      .orderBy(asc(measurements.id)))
      push(measured, m.sampleId, m);
    for (const r of await db
      .select()
      .from(results)
      .where(inArray(results.sampleId, part))
      .orderBy(asc(results.id)))
      push(outputs, `${r.runId}\u0000${r.sampleId}`, r);
  }
  const recipeIds = [...new Set([...latestRun.values()].flatMap((r) => (r.recipeId ? [r.recipeId] : [])))];
  const recipeById = new Map<string, typeof recipes.$inferSelect>();
  const componentsOf = new Map<
    string,
    { fraction: number | null; monomer: typeof monomers.$inferSelect }[]
  >();
  for (const part of chunks(recipeIds)) {
    for (const r of await db.select().from(recipes).where(inArray(recipes.id, part))) recipeById.set(r.id, r);
    for (const c of await db
      .select({ component: recipeComponents, monomer: monomers })
      .from(recipeComponents)
      .innerJoin(monomers, eq(monomers.id, recipeComponents.monomerId))
      .where(inArray(recipeComponents.recipeId, part))
      .orderBy(asc(recipeComponents.recipeId), asc(recipeComponents.position))) {
      if (c.component.role !== 'monomer') continue;
      push(componentsOf, c.component.recipeId, { fraction: c.component.fraction, monomer: c.monomer });
    }
  }
  const legacyIds = [
    ...new Set([...latestRun.values()].flatMap((r) => (!r.recipeId && r.monomerId ? [r.monomerId] : []))),
  ];
  const monomerById = new Map<string, typeof monomers.$inferSelect>();
  for (const part of chunks(legacyIds))
    for (const m of await db.select().from(monomers).where(inArray(monomers.id, part)))
      monomerById.set(m.id, m);

  return rows.map(({ sample, basePolymer, material }) => {
    const run = latestRun.get(sample.id) ?? null;
    const recipe = run?.recipeId ? (recipeById.get(run.recipeId) ?? null) : null;
    const listed = recipe
      ? (componentsOf.get(recipe.id) ?? [])
      : run?.monomerId && monomerById.has(run.monomerId)
        ? [{ fraction: null, monomer: monomerById.get(run.monomerId)! }]
        : [];
    const irradiation =
      irradiationOf.get(`${run?.id ?? ''}\u0000${sample.id}`) ?? irradiationOf.get(`*\u0000${sample.id}`);
    const values: MiValueRow[] = (measured.get(sample.id) ?? []).map((m) => ({
      id: `m:${m.id}`,
      property: m.property,
      value: m.value,
      unit: m.unit,
      uncertainty: m.uncertainty,
      timeOnTestH: m.timeOnTestH,
      kind: 'measurement',
    }));
    // Run outputs that are catalogue properties (degreeOfGrafting) count as measured values, in their catalogue unit.
    for (const r of run ? (outputs.get(`${run.id}\u0000${sample.id}`) ?? []) : []) {
      const property = findProperty(r.name);
      if (!property) continue;
      if (r.unit !== null && r.unit !== property.unit) continue;
      values.push({
        id: `r:${r.id}`,
        property: property.key,
        value: r.value,
        unit: property.unit,
        uncertainty: r.uncertainty,
        timeOnTestH: null,
        kind: 'result',
      });
    }
    const d = dose.get(sample.id);
    return {
      sampleId: sample.id,
      origin: sample.origin,
      status: sample.status,
      runId: run?.id ?? null,
      runState: run?.state ?? null,
      campaignId: run?.campaignId ?? null,
      basePolymer: basePolymer
        ? { id: basePolymer.id, name: basePolymer.name, descriptors: basePolymer.descriptors }
        : null,
      material: material
        ? {
            id: material.id,
            thicknessUm: material.thicknessUm,
            crystallinity: material.crystallinity,
            densityGCm3: material.densityGCm3,
            descriptors: material.descriptors,
          }
        : null,
      recipe: recipe
        ? {
            id: recipe.id,
            medium: recipe.medium,
            monomerConcentration: recipe.monomerConcentration,
            monomerConcentrationUnit: recipe.monomerConcentrationUnit,
          }
        : null,
      monomers: listed.map((c) => ({
        id: c.monomer.id,
        name: c.monomer.name,
        fraction: c.fraction,
        descriptors: c.monomer.descriptors,
      })),
      doseKGy: d ? d.total : null,
      doseRateKGyPerH: d?.rate ?? null,
      irradiation: irradiation
        ? {
            method: irradiation.method,
            sourceKind: irradiation.sourceKind,
            atmosphere: irradiation.atmosphere,
            storageTimeH: irradiation.storageTimeH,
            storageTemperatureC: irradiation.storageTemperatureC,
          }
        : null,
      parameters: run?.parameterValues ?? {},
      values,
    };
  });
}

/**
 * A cheap fingerprint of what the MI model learns from: counts, sums and latest times of the tables it reads, and
 * a hash of the (small) material tables' descriptors. Equal fingerprints mean the training data are the same, so a
 * cached model can be reused; any new sample, run, dose, measurement, result or descriptor changes it, and so does
 * an irradiation record filled in later (storage time and temperature at monomer contact).
 */
export async function miDataVersion(db: Db): Promise<string> {
  const res = (await db.execute(sql`
    select
      (select count(*) || ':' || coalesce(max(created_at)::text, '') || ':' ||
        sum(case when status = 'invalidated' then 1 else 0 end) from samples) as samples,
      (select count(*) || ':' || coalesce(max(created_at)::text, '') || ':' ||
        coalesce(max(finished_at)::text, '') from runs) as runs,
      (select count(*) || ':' || coalesce(sum(delivered_kgy), 0) from dose_ledger) as dose,
      (select count(*) || ':' || coalesce(max(recorded_at)::text, '') || ':' || coalesce(sum(value), 0)
        from measurements) as measurements,
      (select count(*) || ':' || coalesce(max(computed_at)::text, '') || ':' || coalesce(sum(value), 0)
        from results) as results,
      (select count(*) || ':' || coalesce(max(created_at)::text, '') || ':' ||
        coalesce(sum(storage_time_h), 0) || ':' || coalesce(sum(storage_temperature_c), 0) || ':' ||
        count(method) || ':' || count(source_kind) || ':' || count(atmosphere) from irradiations) as irradiations,
      (select md5(coalesce(string_agg(id || descriptors::text, ',' order by id), '')) from base_polymers)
        as base_polymers,
      (select md5(coalesce(string_agg(id || descriptors::text || coalesce(crystallinity::text, '') ||
        coalesce(thickness_um::text, ''), ',' order by id), '')) from base_materials) as base_materials,
      (select md5(coalesce(string_agg(id || descriptors::text, ',' order by id), '')) from monomers) as monomers
  `)) as unknown as { rows: Record<string, string>[] };
  const row = res.rows[0];
  return Object.keys(row)
    .sort()
    .map((k) => `${k}=${row[k]}`)
    .join(';');
}

/** Base polymers (with their substrates' crystallinity and density) and monomers the database knows. */
export interface MiMaterials {
  readonly basePolymers: readonly {
    readonly id: string;
    readonly name: string;
    readonly descriptors: Descriptors;
    readonly materials: readonly {
      readonly crystallinity: number | null;
      readonly densityGCm3: number | null;
      readonly descriptors: Descriptors;
    }[];
  }[];
  readonly monomers: readonly {
    readonly id: string;
    readonly name: string;
    readonly descriptors: Descriptors;
  }[];
}

/** Every base polymer and monomer of the MI database, candidates for a ranking even when never grafted. */
export async function readMiMaterials(db: Db): Promise<MiMaterials> {
  const polymers = await db.select().from(basePolymers).orderBy(asc(basePolymers.name));
  const materials = await db.select().from(baseMaterials).orderBy(asc(baseMaterials.id));
  const byPolymer = new Map<string, (typeof baseMaterials.$inferSelect)[]>();
  for (const m of materials) push(byPolymer, m.polymerId, m);
  return {
    basePolymers: polymers.map((p) => ({
      id: p.id,
      name: p.name,
      descriptors: p.descriptors,
      materials: (byPolymer.get(p.id) ?? []).map((m) => ({
        crystallinity: m.crystallinity,
        densityGCm3: m.densityGCm3,
        descriptors: m.descriptors,
      })),
    })),
    monomers: (await db.select().from(monomers).orderBy(asc(monomers.name))).map((m) => ({
      id: m.id,
      name: m.name,
      descriptors: m.descriptors,
    })),
  };
}
