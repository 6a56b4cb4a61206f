import type { MaterialQuery, MonomerComponent } from './record.types';

/**
 * How a material system enters the features. 'descriptors': base-polymer and monomer descriptors, so an unseen
 * monomer is a point between known ones, not an unknown category. 'one-hot': ids as categories (the baseline the
 * descriptors are measured against). 'descriptors+one-hot': both, letting known systems keep what their
 * descriptors do not explain, while an unseen one falls back on its descriptors.
 */
export type SystemIdentity = 'descriptors' | 'one-hot' | 'descriptors+one-hot';

export interface FeatureEncodingOptions {
  readonly systemIdentity?: SystemIdentity;
}

/** How a raw value is mapped before min–max normalization (log where effects are multiplicative). */
export type FeatureScale = 'linear' | 'log' | 'log1p';

/** One feature, as recorded in the model identity. */
export interface FeatureDefinition {
  readonly name: string;
  readonly scale: FeatureScale;
  /** Range of the scaled value over the training data: normalized = (scaled − min)/(max − min). */
  readonly min: number;
  readonly max: number;
  /** The scaled value used when a query lacks this feature. */
  readonly fill: number;
}

interface FeatureReader {
  readonly name: string;
  readonly scale: FeatureScale;
  read(q: MaterialQuery): number | undefined;
  /** A missing value means this (e.g. storage 0 h) rather than the training median. */
  readonly absentMeans?: number;
}

const SCALE: Record<FeatureScale, (v: number) => number> = {
  linear: (v) => v,
  // Dose, dose rate, concentration, time and thickness act through powers (R_p ∝ C^α·D^β): log makes them linear.
  log: (v) => Math.log(Math.max(v, 1e-6)),
  log1p: (v) => Math.log1p(Math.max(v, 0)),
};

/** Composition-weighted mean of the monomers' descriptors: a mixture sits between its monomers. */
export function mixtureDescriptor(monomers: readonly MonomerComponent[], name: string): number | undefined {
  let total = 0;
  let sum = 0;
  for (const m of monomers) {
    const v = m.descriptors[name];
    if (v === undefined) return undefined;
    total += m.fraction;
    sum += m.fraction * v;
  }
  return total > 0 ? sum / total : undefined;
}

function monomerShare(monomers: readonly MonomerComponent[], id: string): number {
  const total = monomers.reduce((s, m) => s + m.fraction, 0);
  return total > 0 ? monomers.filter((m) => m.id === id).reduce((s, m) => s + m.fraction, 0) / total : 0;
}

/** The data source of a training record; a query (what the lab would measure) reads as 'lab'. */
function sourceOf(q: MaterialQuery): string {
  return 'source' in q && typeof q.source === 'string' ? q.source : 'lab';
}

function conditionReaders(queries: readonly MaterialQuery[]): FeatureReader[] {
  const extras = [...new Set(queries.flatMap((q) => Object.keys(q.conditions.extra ?? {})))].sort();
  const media = [
    ...new Set(queries.flatMap((q) => (q.conditions.medium ? [q.conditions.medium] : []))),
  ].sort();
  const sources = [...new Set(queries.map(sourceOf))].filter((s) => s !== 'lab').sort();
  return [
    {
      name: 'irradiation.simultaneous',
      scale: 'linear',
      read: (q) => (q.irradiation.method === 'simultaneous' ? 1 : 0),
    },
    {
      name: 'irradiation.electronBeam',
      scale: 'linear',
      read: (q) => (q.irradiation.source === 'electron-beam' ? 1 : 0),
    },
    { name: 'irradiation.air', scale: 'linear', read: (q) => (q.irradiation.atmosphere === 'air' ? 1 : 0) },
    { name: 'irradiation.doseKGy', scale: 'log', read: (q) => q.irradiation.doseKGy },
    { name: 'irradiation.doseRateKGyPerH', scale: 'log', read: (q) => q.irradiation.doseRateKGyPerH },
    { name: 'conditions.concentrationWtPct', scale: 'log', read: (q) => q.conditions.concentrationWtPct },
    { name: 'conditions.temperatureC', scale: 'linear', read: (q) => q.conditions.temperatureC },
    { name: 'conditions.timeH', scale: 'log', read: (q) => q.conditions.timeH },
    { name: 'conditions.storageH', scale: 'log1p', read: (q) => q.conditions.storageH, absentMeans: 0 },
    { name: 'conditions.storageTempC', scale: 'linear', read: (q) => q.conditions.storageTempC },
    { name: 'conditions.thicknessUm', scale: 'log', read: (q) => q.conditions.thicknessUm },
    { name: 'conditions.o2Fraction', scale: 'linear', read: (q) => q.conditions.o2Fraction, absentMeans: 0 },
    ...media.map<FeatureReader>((m) => ({
      name: `medium=${m}`,
      scale: 'linear',
      read: (q) => (q.conditions.medium === m ? 1 : 0),
    })),
    ...extras.map<FeatureReader>((k) => ({
      name: `extra.${k}`,
      scale: 'linear',
      read: (q) => q.conditions.extra?.[k],
    })),
    // History and literature values may carry a protocol offset: an indicator per source (lab = none) whose
    // length scale says how far they can be trusted for what the lab will measure (a long scale: fully).
    ...sources.map<FeatureReader>((source) => ({
      name: `source=${source}`,
      scale: 'linear',
      read: (q) => (sourceOf(q) === source ? 1 : 0),
    })),
    // Linear in hours: a first-order loss (σ(t) = σ₀·2^(−t/t½)) is then linear in the log-transformed property.
    { name: 'timeOnTestH', scale: 'linear', read: (q) => q.timeOnTestH, absentMeans: 0 },
  ];
}

function systemReaders(queries: readonly MaterialQuery[], identity: SystemIdentity): FeatureReader[] {
  const readers: FeatureReader[] = [];
  if (identity !== 'one-hot') {
    const base = [...new Set(queries.flatMap((q) => Object.keys(q.system.basePolymer.descriptors)))].sort();
    const monomer = [
      ...new Set(queries.flatMap((q) => q.system.monomers.flatMap((m) => Object.keys(m.descriptors)))),
    ].sort();
    readers.push(
      ...base.map<FeatureReader>((k) => ({
        name: `basePolymer.${k}`,
        scale: 'linear',
        read: (q) => q.system.basePolymer.descriptors[k],
      })),
      ...monomer.map<FeatureReader>((k) => ({
        name: `monomer.${k}`,
        scale: 'linear',
        read: (q) => mixtureDescriptor(q.system.monomers, k),
      })),
    );
  }
  if (identity !== 'descriptors') {
    const bases = [...new Set(queries.map((q) => q.system.basePolymer.id))].sort();
    const monomers = [...new Set(queries.flatMap((q) => q.system.monomers.map((m) => m.id)))].sort();
    // An id not seen in training reads 0 everywhere: an unknown category, equally far from all known ones.
    readers.push(
      ...bases.map<FeatureReader>((id) => ({
        name: `basePolymer=${id}`,
        scale: 'linear',
        read: (q) => (q.system.basePolymer.id === id ? 1 : 0),
      })),
      ...monomers.map<FeatureReader>((id) => ({
        name: `monomer=${id}`,
        scale: 'linear',
        read: (q) => monomerShare(q.system.monomers, id),
      })),
    );
  }
  return readers;
}

/**
 * Material queries → normalized feature vectors. The features and their ranges are fixed from the training
 * queries: each raw value is scaled (log for dose, rate, concentration, time, thickness) and mapped so the
 * training range is [0, 1]; a feature constant over the training data is dropped (nothing can be learned about
 * it); a missing optional value is filled with its documented meaning (no storage, no oxygen, as made) or the
 * training median.
 */
export class FeatureEncoding {
  private constructor(
    readonly systemIdentity: SystemIdentity,
    readonly features: readonly FeatureDefinition[],
    private readonly readers: readonly FeatureReader[],
  ) {}

  static fromQueries(
    queries: readonly MaterialQuery[],
    options: FeatureEncodingOptions = {},
  ): FeatureEncoding {
    if (queries.length === 0) throw new Error('FeatureEncoding: no training queries');
    const identity = options.systemIdentity ?? 'descriptors';
    const candidates = [...systemReaders(queries, identity), ...conditionReaders(queries)];
    const features: FeatureDefinition[] = [];
    const readers: FeatureReader[] = [];
    for (const reader of candidates) {
      const raw = queries.map((q) => reader.read(q));
      const present = raw
        .filter((v): v is number => v !== undefined && Number.isFinite(v))
        .map(SCALE[reader.scale]);
      if (present.length === 0) continue;
      const scaled =
        reader.absentMeans === undefined
          ? present
          : raw.map((v) => SCALE[reader.scale](v ?? reader.absentMeans!));
      const min = Math.min(...scaled);
      const max = Math.max(...scaled);
      if (!(max - min > 1e-12)) continue;
      const sorted = [...present].sort((a, b) => a - b);
      const fill =
        reader.absentMeans !== undefined
          ? SCALE[reader.scale](reader.absentMeans)
          : sorted[Math.floor(sorted.length / 2)];
      features.push({ name: reader.name, scale: reader.scale, min, max, fill });
      readers.push(reader);
    }
    return new FeatureEncoding(identity, features, readers);
  }

  get dimension(): number {
    return this.features.length;
  }

  get names(): string[] {
    return this.features.map((f) => f.name);
  }

  encode(q: MaterialQuery): number[] {
    return this.features.map((f, i) => {
      const raw = this.readers[i].read(q);
      const v = raw === undefined || !Number.isFinite(raw) ? f.fill : SCALE[f.scale](raw);
      return (v - f.min) / (f.max - f.min);
    });
  }

  /** The index of a feature by name, or −1 (a feature dropped as constant has none). */
  indexOf(name: string): number {
    return this.features.findIndex((f) => f.name === name);
  }

  /** What the model identity records of the encoding. */
  toJSON(): { systemIdentity: SystemIdentity; features: readonly FeatureDefinition[] } {
    return { systemIdentity: this.systemIdentity, features: this.features };
  }
}
