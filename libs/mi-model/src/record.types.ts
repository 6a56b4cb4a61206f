/**
 * Plain data the MI model learns from and answers about. Deliberately independent of the database schema and of
 * the material catalogue: the integration maps rows and catalogue entries onto these shapes.
 */

/** Named numeric descriptors (radical yield, crystallinity, polarizability, an O-atom NMR shift, …). */
export type DescriptorVector = Readonly<Record<string, number>>;

export interface BasePolymer {
  readonly id: string;
  readonly descriptors: DescriptorVector;
}

export interface Monomer {
  readonly id: string;
  readonly descriptors: DescriptorVector;
}

/** A monomer in a grafting solution, with its share of the monomer mixture (mole or mass fraction, any scale). */
export interface MonomerComponent extends Monomer {
  readonly fraction: number;
}

export interface MaterialSystem {
  readonly basePolymer: BasePolymer;
  readonly monomers: readonly MonomerComponent[];
}

export type IrradiationMethod = 'pre-irradiation' | 'simultaneous';
export type RadiationSource = 'gamma' | 'electron-beam';
export type IrradiationAtmosphere = 'inert' | 'air';

export interface Irradiation {
  readonly method: IrradiationMethod;
  readonly source: RadiationSource;
  readonly doseKGy: number;
  readonly doseRateKGyPerH?: number;
  readonly atmosphere: IrradiationAtmosphere;
}

export interface GraftingConditions {
  readonly concentrationWtPct: number;
  readonly temperatureC: number;
  readonly timeH: number;
  /** Storage of the irradiated film before monomer contact; absent means none (0 h). */
  readonly storageH?: number;
  readonly storageTempC?: number;
  readonly thicknessUm?: number;
  /** Residual oxygen after degassing, 0 (none) to 1 (air-saturated). */
  readonly o2Fraction?: number;
  /** Grafting medium (bulk, toluene, water-emulsion, …). */
  readonly medium?: string;
  /** Any further numeric condition (functionalization time, test temperature, …), used as given. */
  readonly extra?: Readonly<Record<string, number>>;
}

/** A material made a given way, tested (for durability series) after a time on test. */
export interface MaterialQuery {
  readonly system: MaterialSystem;
  readonly irradiation: Irradiation;
  readonly conditions: GraftingConditions;
  /** Hours on test (e.g. in 1 M KOH at 80 °C); absent means as made (0 h). */
  readonly timeOnTestH?: number;
}

export type DataSource = 'lab' | 'history' | 'literature';

/** One measured property value and where it came from. */
export interface TrainingRecord extends MaterialQuery {
  readonly id: string;
  /** The material system (base polymer × monomer mixture) the record belongs to. */
  readonly systemId: string;
  readonly property: string;
  readonly unit: string;
  readonly value: number;
  /** Standard uncertainty of the value, in its unit (0 when unknown: the fitted noise then covers it). */
  readonly uncertainty: number;
  readonly source: DataSource;
  readonly campaignId?: string;
}

/** A stable key of a material system: base polymer and monomers with their fractions, sorted. */
export function systemKey(system: MaterialSystem): string {
  const total = system.monomers.reduce((s, m) => s + m.fraction, 0) || 1;
  const monomers = [...system.monomers]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => (system.monomers.length > 1 ? `${m.id}:${+(m.fraction / total).toFixed(4)}` : m.id));
  return `${system.basePolymer.id}|${monomers.join('+')}`;
}
