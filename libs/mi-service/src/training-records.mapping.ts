import type { MiSampleRow } from '@graftlab/db';
import {
  systemKey,
  type BasePolymer,
  type DataSource,
  type DescriptorVector,
  type GraftingConditions,
  type Irradiation,
  type MaterialSystem,
  type TrainingRecord,
} from '@graftlab/mi-model';

/**
 * Protocol parameter names that carry a grafting condition, lower case. Lab runs and imports name their parameters
 * after their protocol (graftTemperature, param_graftingTemperatureC, ...); these are the names the lab's protocols,
 * the virtual lab and the import examples use. A name not listed here is not a condition the model reads.
 */
export const CONDITION_PARAMETERS = {
  doseKGy: ['dose', 'dosekgy', 'dose_kgy'],
  temperatureC: [
    'grafttemperature',
    'grafttemperaturec',
    'graftingtemperature',
    'graftingtemperaturec',
    'temperature',
    'temperaturec',
    'bath.temperaturec',
  ],
  timeH: ['grafttime', 'grafttimeh', 'graftingtime', 'graftingtimeh', 'time', 'timeh'],
  /** Besides these, `<monomer>Concentration` (styreneConcentration) in wt% as protocols declare it. */
  concentrationWtPct: [
    'monomerconcentration',
    'concentration',
    'concentrationwtpct',
    'monomerconcentrationwtpct',
  ],
} as const;

const SOURCE: Readonly<Record<MiSampleRow['origin'], DataSource>> = {
  'measured-here': 'lab',
  'alliance-history': 'history',
  literature: 'literature',
};

/** Why a sample gave no training record. */
export interface SkippedSample {
  readonly sampleId: string;
  readonly reason: string;
}

export interface TrainingSet {
  readonly records: TrainingRecord[];
  /** Samples with measured values that could not be used, and why. */
  readonly skipped: SkippedSample[];
  /** Samples that gave at least one record. */
  readonly samples: number;
}

function numericDescriptors(d: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** Flat, lower-cased parameter names (bath.temperatureC → bath.temperaturec) with numeric values. */
function numericParameters(values: Readonly<Record<string, unknown>>, prefix = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(values)) {
    const name = (prefix + k).toLowerCase();
    if (typeof v === 'number' && Number.isFinite(v)) out.set(name, v);
    else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) out.set(name, Number(v));
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      for (const [n, x] of numericParameters(v as Record<string, unknown>, name + '.')) out.set(n, x);
  }
  return out;
}

function firstOf(params: Map<string, number>, names: readonly string[]): number | undefined {
  for (const n of names) if (params.has(n)) return params.get(n);
  return undefined;
}

/**
 * The base polymer as the model sees it: the polymer's numeric descriptors, and the substrate's crystallinity,
 * density and numeric descriptors (a lot's own values win over the polymer's typical ones).
 */
export function basePolymerOf(row: MiSampleRow): BasePolymer | undefined {
  if (!row.basePolymer) return undefined;
  const descriptors: Record<string, number> = numericDescriptors(row.basePolymer.descriptors);
  const m = row.material;
  if (m) {
    Object.assign(descriptors, numericDescriptors(m.descriptors));
    if (m.crystallinity !== null) descriptors.crystallinity = m.crystallinity;
    if (m.densityGCm3 !== null) descriptors.densityGCm3 = m.densityGCm3;
  }
  return { id: row.basePolymer.name, descriptors };
}

function monomerConcentration(row: MiSampleRow, params: Map<string, number>): number | undefined {
  if (row.recipe?.monomerConcentration != null && row.recipe.monomerConcentrationUnit === 'wt%')
    return row.recipe.monomerConcentration;
  const named = firstOf(params, CONDITION_PARAMETERS.concentrationWtPct);
  if (named !== undefined) return named;
  // styreneConcentration, gmaConcentration: the main monomer's concentration as the protocol declares it.
  const main = row.monomers[0]?.name.toLowerCase();
  for (const [k, v] of params) if (k.endsWith('concentration') && (!main || k.startsWith(main))) return v;
  for (const [k, v] of params) if (k.endsWith('concentration')) return v;
  return undefined;
}

/**
 * One sample's measured values as training records, or the reason it has none. Conditions come from the
 * irradiation record, the dose ledger, the recipe and the run's parameters (names in CONDITION_PARAMETERS); a
 * condition nobody recorded is NaN, which the model's encoding fills with the training median.
 */
export function sampleRecords(row: MiSampleRow): TrainingRecord[] | SkippedSample {
  const skip = (reason: string): SkippedSample => ({ sampleId: row.sampleId, reason });
  const basePolymer = basePolymerOf(row);
  if (!basePolymer) return skip('no base polymer recorded');
  if (row.monomers.length === 0) return skip('no monomer recorded');
  const params = numericParameters(row.parameters);
  const doseKGy = row.doseKGy ?? firstOf(params, CONDITION_PARAMETERS.doseKGy);
  if (doseKGy === undefined || !(doseKGy > 0)) return skip('no dose recorded');
  const share = 1 / row.monomers.length;
  const system: MaterialSystem = {
    basePolymer,
    monomers: row.monomers.map((m) => ({
      id: m.name,
      fraction: m.fraction ?? share,
      descriptors: numericDescriptors(m.descriptors) as DescriptorVector,
    })),
  };
  const irr = row.irradiation;
  const irradiation: Irradiation = {
    method: irr?.method === 'simultaneous' ? 'simultaneous' : 'pre-irradiation',
    // X-rays act on the film as gamma photons do: same low-LET ionization, no electron-beam dose-rate effects.
    source: irr?.sourceKind === 'electron-beam' ? 'electron-beam' : 'gamma',
    atmosphere: irr?.atmosphere === 'air' ? 'air' : 'inert',
    doseKGy,
    ...(row.doseRateKGyPerH !== null ? { doseRateKGyPerH: row.doseRateKGyPerH } : {}),
  };
  const conditions: GraftingConditions = {
    concentrationWtPct: monomerConcentration(row, params) ?? Number.NaN,
    temperatureC: firstOf(params, CONDITION_PARAMETERS.temperatureC) ?? Number.NaN,
    timeH: firstOf(params, CONDITION_PARAMETERS.timeH) ?? Number.NaN,
    ...(irr?.storageTimeH != null ? { storageH: irr.storageTimeH } : {}),
    ...(irr?.storageTemperatureC != null ? { storageTempC: irr.storageTemperatureC } : {}),
    ...(row.material?.thicknessUm != null ? { thicknessUm: row.material.thicknessUm } : {}),
    ...(row.recipe?.medium ? { medium: row.recipe.medium } : {}),
  };
  // A run output and a measurement of the same property at the same time are one value: the measurement wins.
  const measured = new Set(
    row.values.filter((v) => v.kind === 'measurement').map((v) => `${v.property}@${v.timeOnTestH ?? 0}`),
  );
  const systemId = systemKey(system);
  const records = row.values
    .filter((v) => v.kind === 'measurement' || !measured.has(`${v.property}@${v.timeOnTestH ?? 0}`))
    .filter((v) => Number.isFinite(v.value))
    .map<TrainingRecord>((v) => ({
      id: `${row.sampleId}/${v.id}`,
      systemId,
      system,
      irradiation,
      conditions,
      ...(v.timeOnTestH !== null ? { timeOnTestH: v.timeOnTestH } : {}),
      property: v.property,
      unit: v.unit,
      value: v.value,
      uncertainty: v.uncertainty ?? 0,
      source: SOURCE[row.origin],
      ...(row.campaignId ? { campaignId: row.campaignId } : {}),
    }));
  return records.length > 0 ? records : skip('no measured value');
}

/** Every sample of the database as training records (lab runs, imported history, literature). */
export function trainingSet(rows: readonly MiSampleRow[]): TrainingSet {
  const records: TrainingRecord[] = [];
  const skipped: SkippedSample[] = [];
  let samples = 0;
  for (const row of rows) {
    if (row.values.length === 0) continue;
    const r = sampleRecords(row);
    if (Array.isArray(r)) {
      records.push(...r);
      samples++;
    } else skipped.push(r);
  }
  return { records, skipped, samples };
}
