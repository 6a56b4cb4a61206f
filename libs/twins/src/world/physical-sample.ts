import { createRng, type NoiseModel } from '@graftlab/grafting-model';
import type { Grafting } from './grafting-integration';
import type { AgeingExposure, Functionalization } from './post-grafting.chemistry';
import type { Vessel } from './reactor-vessel';
import type { SampleSpec, WorldSample } from './lab-world';
import { WORLD_CONSTANTS } from './world.constants';

/** Per-film scatter (§2.6 replicate noise) and handling failure, fixed when the film is loaded. */
export interface FilmNoise {
  readonly cv: number;
  readonly abs: number;
  readonly handlingFails: boolean;
  readonly fragment: number;
  /** Film-to-film scatter of the durability: the film ages as if its half-life were this many times longer. */
  readonly durability: number;
}

/** A film as a physical object: its masses (dry, grafted, liquid held), dose, and where it has been. */
export class PhysicalSample implements WorldSample {
  doseKGy = 0;
  irradiatedAt?: number;
  graftedMassG = 0;
  failedReason?: string;
  graftMonomer?: string;
  /** A sealed ampoule of monomer solution the film lies in (simultaneous grafting): it travels with the film. */
  ampoule?: Vessel;
  /** Where the sample has been, for the storage history between irradiation and monomer contact. */
  readonly history: { location: string; since: number }[] = [];
  lotYield = 1;
  volatileG = 0;
  /** Non-volatile liquid residue (homopolymer, monomer solution solids): only washing removes it. */
  residueG = 0;
  fragmentLost = 0;
  grafting?: Grafting;
  /** Contact with monomer happened (grafting runs at most once per film). */
  contacted = false;
  dgTruePct = 0;
  readonly functionalizations: Functionalization[] = [];
  readonly ageing: AgeingExposure[] = [];

  constructor(
    readonly id: string,
    readonly basePolymer: string,
    readonly thicknessUm: number,
    readonly initialMassG: number,
    public location: string,
    at: number,
    /** Per-film scatter (§2.6 replicate noise) and handling failure, drawn from the seed and the id. */
    readonly noise: FilmNoise,
  ) {
    this.history.push({ location, since: at });
  }

  /** Liquid held by the film: volatile solvent plus non-volatile residue. */
  get liquidMassG(): number {
    return this.volatileG + this.residueG;
  }
  set liquidMassG(grams: number) {
    this.volatileG = Math.max(0, grams - this.residueG);
  }

  dryMassG(): number {
    return (this.initialMassG + this.graftedMassG) * (1 - this.fragmentLost);
  }

  totalMassG(): number {
    return this.dryMassG() + this.volatileG + this.residueG;
  }

  /** In (or fresh out of) liquid the film holds a fixed fraction of its dry mass. */
  soak(): void {
    this.volatileG = WORLD_CONSTANTS.wetUptake * this.dryMassG();
  }

  /** Out of the liquid: the film carries solution and some homopolymer with it. */
  leaveLiquid(): void {
    this.soak();
    this.residueG += 0.05 * this.graftedMassG;
  }

  /** Taken out of the monomer solution: the reaction stops for good. */
  endContact(): void {
    this.grafting = undefined;
    this.leaveLiquid();
  }

  /** Washing replaces homopolymer and monomer solution with clean solvent. */
  wash(): void {
    this.residueG = 0;
    this.soak();
  }
}

/** A new film: its real mass and scatter are drawn from the seed and the id alone (fixed draw order). */
export function loadPhysicalSample(
  spec: SampleSpec,
  seed: number,
  noiseModel: NoiseModel,
  at: number,
): PhysicalSample {
  const r = createRng(`${seed}:sample:${spec.id}`);
  const massScatter = r.normal(0, 0.02);
  const noise = {
    cv: r.normal(0, noiseModel.cv),
    abs: r.normal(0, noiseModel.absPct),
    handlingFails: r.next() < noiseModel.handlingFailure,
    fragment: r.uniform(0.1, 0.4),
    // Drawn last, so the draws above stay what they were for every seed. ±15 % (log-normal) [A].
    durability: Math.exp(r.normal(0, 0.15)),
  };
  return new PhysicalSample(
    spec.id,
    spec.basePolymer,
    spec.thicknessUm,
    spec.nominalMassG * (1 + massScatter),
    spec.location,
    at,
    noise,
  );
}
