import { DescriptorGp, type DescriptorGpOptions, type GpObservations } from './descriptor-gp.model';
import { FeatureEncoding, type FeatureEncodingOptions } from './feature.encoding';
import { coverageOfIntervals } from './interval.calibration';
import { MI_MODEL_CODE_VERSION, versionHash } from './model-version.hash';
import type { PropertyPrediction } from './property.prediction';
import { transformKindFor, type TransformKind } from './property.transform';
import type { MaterialQuery, TrainingRecord } from './record.types';

export interface MiModelOptions {
  readonly encoding?: FeatureEncodingOptions;
  /** Output transform per property (defaults: log1p for DG and water uptake, log for conductivity and IEC). */
  readonly transforms?: Readonly<Record<string, TransformKind>>;
  readonly gp?: Omit<
    DescriptorGpOptions,
    'transform' | 'hyperparameters' | 'standardization' | 'calibration'
  >;
  /**
   * Interval calibration: 'leave-systems-out' (default) fits the variance scale on whole material systems held
   * out, which is what ranking unseen systems needs; 'leave-one-out' on single records (new conditions of known
   * systems).
   */
  readonly calibration?: 'leave-systems-out' | 'leave-one-out' | 'none';
  /** Fit only these properties (default: every property in the records). */
  readonly properties?: readonly string[];
}

interface PropertyModel {
  readonly gp: DescriptorGp;
  readonly unit: string;
  /** Indices of the shared features that vary within this property's records: the GP's inputs. */
  readonly active: readonly number[];
  readonly records: readonly TrainingRecord[];
}

export interface PredictOptions {
  /** Overrides the query's time on test. */
  readonly timeOnTestH?: number;
  /** Predict a new measurement (with the fitted noise) rather than the property itself. */
  readonly observation?: boolean;
  /** With `observation`: the measurement's own standard uncertainty, in the property's unit. */
  readonly uncertainty?: number;
}

/**
 * One model over the whole database: a shared feature encoding (descriptors + conditions + time on test) and a
 * DescriptorGp per property on the features that vary within that property's records. Properties are modelled
 * independently (see the README for why not a multi-output GP).
 */
export class MiModel {
  readonly version: string;

  private constructor(
    readonly encoding: FeatureEncoding,
    private readonly models: ReadonlyMap<string, PropertyModel>,
    private readonly options: MiModelOptions,
  ) {
    this.version = versionHash('mi', {
      code: MI_MODEL_CODE_VERSION,
      encoding: encoding.toJSON(),
      properties: Object.fromEntries(
        [...models].map(([p, m]) => [p, { gp: m.gp.version, active: m.active }]),
      ),
    });
  }

  static fit(records: readonly TrainingRecord[], options: MiModelOptions = {}): MiModel {
    validateRecords(records);
    const encoding = FeatureEncoding.fromQueries(records, options.encoding);
    const models = new Map<string, PropertyModel>();
    for (const [property, group] of byProperty(records, options.properties)) {
      models.set(property, fitProperty(encoding, property, group, options));
    }
    return new MiModel(encoding, models, options);
  }

  get properties(): string[] {
    return [...this.models.keys()];
  }

  has(property: string): boolean {
    return this.models.has(property);
  }

  unit(property: string): string {
    return this.model(property).unit;
  }

  /** The property's GP (its inputs are `features(query, property)`). */
  propertyModel(property: string): DescriptorGp {
    return this.model(property).gp;
  }

  /** The records a property's model was trained on, in model order. */
  records(property: string): readonly TrainingRecord[] {
    return this.model(property).records;
  }

  /** The property model's input vector for a query. */
  features(query: MaterialQuery, property: string, timeOnTestH?: number): number[] {
    const { active } = this.model(property);
    const q = timeOnTestH === undefined ? query : { ...query, timeOnTestH };
    const all = this.encoding.encode(q);
    return active.map((i) => all[i]);
  }

  predict(query: MaterialQuery, property: string, options: PredictOptions = {}): PropertyPrediction {
    return this.model(property).gp.predict(this.features(query, property, options.timeOnTestH), {
      observation: options.observation,
      uncertainty: options.uncertainty,
    });
  }

  /**
   * The model with more records, without refitting: each property's GP is updated in place of its Cholesky
   * factors (hyperparameters, encoding and calibration kept); a property seen for the first time is fitted.
   * Descriptors or categories new to the encoding are ignored until `refit()`.
   */
  withRecords(records: readonly TrainingRecord[]): MiModel {
    validateRecords([...this.allRecords(), ...records]);
    const models = new Map(this.models);
    for (const [property, group] of byProperty(records, this.options.properties)) {
      const current = models.get(property);
      if (!current) {
        models.set(property, fitProperty(this.encoding, property, group, this.options));
        continue;
      }
      if (group.some((r) => r.unit !== current.unit)) {
        throw new Error(`records of ${property} must be in ${current.unit}`);
      }
      const gp = current.gp.withObservations(observationsOf(this.encoding, current.active, group));
      models.set(property, { ...current, gp, records: [...current.records, ...group] });
    }
    return new MiModel(this.encoding, models, this.options);
  }

  /** A full refit on every record: new encoding ranges, hyperparameters (warm-started), inducing points, calibration. */
  refit(): MiModel {
    return MiModel.fit(this.allRecords(), this.options);
  }

  /**
   * Coverage of central `level` intervals for the held-out records' measurements (each with its own reported
   * uncertainty), per property.
   */
  coverage(
    heldOut: readonly TrainingRecord[],
    level = 0.9,
  ): Record<string, { coverage: number; count: number }> {
    const out: Record<string, { coverage: number; count: number }> = {};
    for (const [property, group] of byProperty(heldOut)) {
      if (!this.models.has(property)) continue;
      const intervals = group.map((r) =>
        this.predict(r, property, { observation: true, uncertainty: r.uncertainty }).interval(level),
      );
      out[property] = {
        coverage: coverageOfIntervals(
          intervals,
          group.map((r) => r.value),
        ),
        count: group.length,
      };
    }
    return out;
  }

  private allRecords(): TrainingRecord[] {
    return [...this.models.values()].flatMap((m) => m.records);
  }

  private model(property: string): PropertyModel {
    const m = this.models.get(property);
    if (!m)
      throw new Error(
        `the MI model has no data on "${property}" (it knows ${this.properties.join(', ') || 'nothing'})`,
      );
    return m;
  }
}

function validateRecords(records: readonly TrainingRecord[]): void {
  const ids = new Set<string>();
  const units = new Map<string, string>();
  for (const r of records) {
    if (ids.has(r.id)) throw new Error(`duplicate record id ${r.id}`);
    ids.add(r.id);
    if (!Number.isFinite(r.value)) throw new Error(`record ${r.id}: value ${r.value} is not a finite number`);
    if (!(r.uncertainty >= 0)) throw new Error(`record ${r.id}: uncertainty must be ≥ 0`);
    const unit = units.get(r.property);
    if (unit !== undefined && unit !== r.unit) {
      throw new Error(`record ${r.id}: ${r.property} in ${r.unit}, other records in ${unit} (convert first)`);
    }
    units.set(r.property, r.unit);
  }
}

function byProperty(
  records: readonly TrainingRecord[],
  only?: readonly string[],
): Map<string, TrainingRecord[]> {
  const groups = new Map<string, TrainingRecord[]>();
  for (const r of records) {
    if (only && !only.includes(r.property)) continue;
    const group = groups.get(r.property) ?? [];
    group.push(r);
    groups.set(r.property, group);
  }
  return groups;
}

function observationsOf(
  encoding: FeatureEncoding,
  active: readonly number[],
  records: readonly TrainingRecord[],
): GpObservations {
  return {
    points: records.map((r) => {
      const all = encoding.encode(r);
      return active.map((i) => all[i]);
    }),
    values: records.map((r) => r.value),
    uncertainties: records.map((r) => r.uncertainty),
    ids: records.map((r) => r.id),
    groups: records.map((r) => r.systemId),
  };
}

function fitProperty(
  encoding: FeatureEncoding,
  property: string,
  records: readonly TrainingRecord[],
  options: MiModelOptions,
): PropertyModel {
  const encoded = records.map((r) => encoding.encode(r));
  // Features constant within this property (time on test for DG, a test temperature of conductivity only) would
  // get a length scale the data never saw; the property's GP leaves them out.
  const active = encoding.features.flatMap((_, i) => {
    const values = encoded.map((x) => x[i]);
    return Math.max(...values) - Math.min(...values) > 1e-12 ? [i] : [];
  });
  const calibration = options.calibration ?? 'leave-systems-out';
  const gp = DescriptorGp.fit(observationsOf(encoding, active, records), {
    ...options.gp,
    seed: `${options.gp?.seed ?? 'mi'}:${property}`,
    transform: transformKindFor(property, options.transforms),
    calibration:
      calibration === 'none' ? 'none' : calibration === 'leave-one-out' ? 'leave-one-out' : 'group-k-fold',
  });
  // Canonical (id) order, as the GP holds them.
  const byId = new Map(records.map((r) => [r.id, r]));
  const ordered = (gp.observations().ids ?? []).map((id) => byId.get(id)!);
  return { gp, unit: records[0].unit, active, records: ordered };
}
