import { WORLD_CONSTANTS } from './world.constants';

/** A circulator: setpoint and running state set by its twin, temperature a first-order response. */
export interface Bath {
  setpoint: number;
  running: boolean;
  temperature: number;
}

/** A bath as delivered: switched off, at room temperature. */
export function idleBath(): Bath {
  return { setpoint: 20, running: false, temperature: WORLD_CONSTANTS.ambientC };
}

/**
 * Moves the bath dtMs towards its target (setpoint when running, else ambient) and returns its mean
 * temperature over the step, exact for a first-order response to a constant target.
 */
export function advanceBath(b: Bath, dtMs: number): number {
  const tau = WORLD_CONSTANTS.bathTauMs;
  const decay = Math.exp(-dtMs / tau);
  const target = b.running ? b.setpoint : WORLD_CONSTANTS.ambientC;
  const mean = target + ((b.temperature - target) * tau * (1 - decay)) / dtMs;
  b.temperature = target + (b.temperature - target) * decay;
  return mean;
}
