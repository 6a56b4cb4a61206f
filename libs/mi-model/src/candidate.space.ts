import type { Rng } from '@graftlab/grafting-model';
import type {
  BasePolymer,
  GraftingConditions,
  Irradiation,
  IrradiationAtmosphere,
  IrradiationMethod,
  MaterialQuery,
  MaterialSystem,
  Monomer,
  MonomerComponent,
  RadiationSource,
} from './record.types';

/** A numeric setting: a list of allowed values, or a range searched on a grid and refined. */
export type NumericChoice =
  | { readonly values: readonly number[] }
  | { readonly min: number; readonly max: number; readonly steps?: number };

/** What may be proposed: systems (base polymer × monomer or mixture) and the ways of making them. */
export interface CandidateSpace {
  readonly basePolymers: readonly BasePolymer[];
  /** Each monomer alone (fraction 1). */
  readonly monomers?: readonly Monomer[];
  /** Mixtures (e.g. St/NVIm 1:1), each one system per base polymer. */
  readonly monomerMixtures?: readonly (readonly MonomerComponent[])[];
  readonly irradiation: {
    readonly methods?: readonly IrradiationMethod[];
    readonly sources?: readonly RadiationSource[];
    readonly atmospheres?: readonly IrradiationAtmosphere[];
    readonly doseKGy: NumericChoice;
    readonly doseRateKGyPerH?: NumericChoice;
  };
  readonly conditions: {
    readonly concentrationWtPct: NumericChoice;
    readonly temperatureC: NumericChoice;
    readonly timeH: NumericChoice;
    readonly storageH?: NumericChoice;
    readonly storageTempC?: NumericChoice;
    readonly thicknessUm?: NumericChoice;
    readonly o2Fraction?: NumericChoice;
    readonly media?: readonly string[];
    readonly extra?: Readonly<Record<string, NumericChoice>>;
  };
}

type Scale = 'linear' | 'log' | 'log1p';

/** One searchable dimension of the making conditions. */
export type Dimension =
  | {
      readonly kind: 'range';
      readonly name: string;
      readonly scale: Scale;
      readonly min: number;
      readonly max: number;
      readonly steps: number;
    }
  | { readonly kind: 'values'; readonly name: string; readonly values: readonly (number | string)[] };

/** One value per dimension, in the dimension order of the space. */
export type Setting = readonly (number | string)[];

const FORWARD: Record<Scale, (v: number) => number> = {
  linear: (v) => v,
  log: (v) => Math.log(v),
  log1p: (v) => Math.log1p(v),
};
const INVERSE: Record<Scale, (t: number) => number> = {
  linear: (t) => t,
  log: (t) => Math.exp(t),
  log1p: (t) => Math.expm1(t),
};
/** Ranges are gridded and refined in the scale the model sees them in (log for dose, time, concentration). */
const SCALES: Readonly<Record<string, Scale>> = {
  doseKGy: 'log',
  doseRateKGyPerH: 'log',
  concentrationWtPct: 'log',
  timeH: 'log',
  thicknessUm: 'log',
  storageH: 'log1p',
};

/**
 * The candidate space unfolded: the list of systems and the dimensions of the making conditions, with the
 * grid, random sampling, and a map from a setting to a material query.
 */
export class CandidateGrid {
  readonly systems: readonly MaterialSystem[];
  readonly dimensions: readonly Dimension[];

  constructor(space: CandidateSpace, defaultSteps = 3) {
    const monomerSets: MonomerComponent[][] = [
      ...(space.monomers ?? []).map((m) => [{ ...m, fraction: 1 }]),
      ...(space.monomerMixtures ?? []).map((mix) => [...mix]),
    ];
    if (space.basePolymers.length === 0 || monomerSets.length === 0) {
      throw new Error('candidate space: at least one base polymer and one monomer (or mixture) are needed');
    }
    this.systems = space.basePolymers.flatMap((basePolymer) =>
      monomerSets.map((monomers) => ({ basePolymer, monomers })),
    );
    const dims: Dimension[] = [];
    const numeric = (name: string, choice: NumericChoice | undefined) => {
      if (!choice) return;
      if ('values' in choice) {
        if (choice.values.length === 0) throw new Error(`candidate space: ${name} has no values`);
        dims.push({ kind: 'values', name, values: [...choice.values] });
        return;
      }
      if (!(choice.max >= choice.min)) throw new Error(`candidate space: ${name} has max < min`);
      const scale = SCALES[name.split('.').pop()!] ?? 'linear';
      if (scale === 'log' && !(choice.min > 0)) throw new Error(`candidate space: ${name} must be > 0`);
      const steps = choice.max === choice.min ? 1 : Math.max(2, choice.steps ?? defaultSteps);
      dims.push({ kind: 'range', name, scale, min: choice.min, max: choice.max, steps });
    };
    const categorical = <T extends string>(name: string, values: readonly T[] | undefined, fallback: T) =>
      dims.push({ kind: 'values', name, values: values && values.length > 0 ? [...values] : [fallback] });
    categorical('method', space.irradiation.methods, 'pre-irradiation');
    categorical('source', space.irradiation.sources, 'gamma');
    categorical('atmosphere', space.irradiation.atmospheres, 'inert');
    numeric('doseKGy', space.irradiation.doseKGy);
    numeric('doseRateKGyPerH', space.irradiation.doseRateKGyPerH);
    const c = space.conditions;
    numeric('concentrationWtPct', c.concentrationWtPct);
    numeric('temperatureC', c.temperatureC);
    numeric('timeH', c.timeH);
    numeric('storageH', c.storageH);
    numeric('storageTempC', c.storageTempC);
    numeric('thicknessUm', c.thicknessUm);
    numeric('o2Fraction', c.o2Fraction);
    if (c.media && c.media.length > 0) dims.push({ kind: 'values', name: 'medium', values: [...c.media] });
    for (const key of Object.keys(c.extra ?? {}).sort()) numeric(`extra.${key}`, c.extra![key]);
    this.dimensions = dims;
  }

  /** Levels of each dimension on the coarse grid. */
  private levels(d: Dimension): readonly (number | string)[] {
    if (d.kind === 'values') return d.values;
    const lo = FORWARD[d.scale](d.min);
    const hi = FORWARD[d.scale](d.max);
    return Array.from({ length: d.steps }, (_, i) =>
      INVERSE[d.scale](d.steps === 1 ? lo : lo + ((hi - lo) * i) / (d.steps - 1)),
    );
  }

  get gridSize(): number {
    return this.dimensions.reduce((n, d) => n * this.levels(d).length, 1);
  }

  /** Every grid setting (product of the levels). */
  grid(): Setting[] {
    let settings: (number | string)[][] = [[]];
    for (const d of this.dimensions) {
      const levels = this.levels(d);
      settings = settings.flatMap((s) => levels.map((v) => [...s, v]));
    }
    return settings;
  }

  /** Random settings: uniform in each range's model scale, uniform over listed values. */
  sample(count: number, rng: Rng): Setting[] {
    return Array.from({ length: count }, () =>
      this.dimensions.map((d) => {
        if (d.kind === 'values') return d.values[Math.floor(rng.next() * d.values.length)];
        return this.fromUnit(d, rng.next());
      }),
    );
  }

  /** The grid when it has at most `limit` settings, else `limit` random settings. */
  coarse(limit: number, rng: Rng): Setting[] {
    return this.gridSize <= limit ? this.grid() : this.sample(limit, rng);
  }

  /** Indices of the range dimensions (what a local refinement moves). */
  get rangeIndices(): number[] {
    return this.dimensions.flatMap((d, i) => (d.kind === 'range' && d.max > d.min ? [i] : []));
  }

  /** A range dimension's value at u ∈ [0, 1] of its model-scale span, and back. */
  fromUnit(d: Dimension, u: number): number {
    if (d.kind !== 'range') throw new Error(`${d.name} is not a range`);
    const lo = FORWARD[d.scale](d.min);
    const hi = FORWARD[d.scale](d.max);
    const v = INVERSE[d.scale](lo + Math.min(1, Math.max(0, u)) * (hi - lo));
    return Math.min(d.max, Math.max(d.min, v));
  }

  toUnit(d: Dimension, v: number): number {
    if (d.kind !== 'range') throw new Error(`${d.name} is not a range`);
    const lo = FORWARD[d.scale](d.min);
    const hi = FORWARD[d.scale](d.max);
    return hi > lo ? (FORWARD[d.scale](v) - lo) / (hi - lo) : 0;
  }

  /** The material query a system and setting describe. */
  query(system: MaterialSystem, setting: Setting): MaterialQuery {
    const v = new Map(this.dimensions.map((d, i) => [d.name, setting[i]]));
    const num = (name: string) => (v.has(name) ? Number(v.get(name)) : undefined);
    const irradiation: Irradiation = {
      method: v.get('method') as IrradiationMethod,
      source: v.get('source') as RadiationSource,
      atmosphere: v.get('atmosphere') as IrradiationAtmosphere,
      doseKGy: num('doseKGy')!,
      ...(v.has('doseRateKGyPerH') ? { doseRateKGyPerH: num('doseRateKGyPerH') } : {}),
    };
    const extra = Object.fromEntries(
      this.dimensions.filter((d) => d.name.startsWith('extra.')).map((d) => [d.name.slice(6), num(d.name)!]),
    );
    const optional = ['storageH', 'storageTempC', 'thicknessUm', 'o2Fraction'] as const;
    const conditions: GraftingConditions = {
      concentrationWtPct: num('concentrationWtPct')!,
      temperatureC: num('temperatureC')!,
      timeH: num('timeH')!,
      ...Object.fromEntries(optional.filter((k) => v.has(k)).map((k) => [k, num(k)])),
      ...(v.has('medium') ? { medium: String(v.get('medium')) } : {}),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    };
    return { system, irradiation, conditions };
  }
}
