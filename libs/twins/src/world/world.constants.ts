/** Physical constants of the virtual lab (lab-clock ms where a time). */
export const WORLD_CONSTANTS = {
  ambientC: 22,
  /** O₂ in air, ppm (gas phase): residual-oxygen fraction = ppm / this. */
  airO2Ppm: 2.1e5,
  /** First-order bath time constant. */
  bathTauMs: 5 * 60_000,
  /** Effective gas volume a purge flushes, mL: O₂ falls as exp(−flow·t / volume). */
  purgeVolumeMl: 240,
  /** O₂ creeps back towards air this slowly when no gas flows. */
  ingressTauMs: 4 * 3600_000,
  /** Residual O₂ of the N₂ supply, ppm. */
  n2FloorPpm: 2,
  /** Liquid held by a film after draining (fraction of its dry mass) and its drying time constants. */
  wetUptake: 0.5,
  dryerTauMs: 20 * 60_000,
  roomDryTauMs: 3 * 3600_000,
  /** Integration step of the world. */
  stepMs: 60_000,
} as const;

export const MS_PER_H = 3600_000;
