/**
 * Benchmark protocols built from the shipped GMA emulsion protocol's header (materials, safety), with steps the
 * benchmark chooses. "Instantaneous" steps dispense 1 µL at 50 mL/min: the pump twin finishes at once, so what
 * a step costs is the driver's exchanges plus what the engine adds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = JSON.parse(
  readFileSync(join(__dirname, '../../protocols/pe-gma-emulsion.json'), 'utf8'),
) as Record<string, unknown>;

export function protocolWith(id: string, steps: readonly Record<string, unknown>[]): Record<string, unknown> {
  const materials = BASE.materials as { monomer: Record<string, unknown> };
  return {
    ...BASE,
    id,
    title: `benchmark ${id}`,
    parameters: [],
    outputs: [],
    timeWindows: [],
    materials: { ...materials, monomer: { ...materials.monomer, concentration: '5 wt%' } },
    steps,
  };
}

/** One instantaneous pump action on the station's own pump (the sample is moved into the vessel by step 0). */
export function instantDispense(key: string): Record<string, unknown> {
  return {
    key,
    type: 'dispense',
    reagent: 'monomer-solution',
    volume: '0.001 mL',
    rate: '50 mL/min',
    vessel: 'reactor-1/vessel',
  };
}

/** The operator puts the sample on rack A (the virtual operator answers the prompt after 30 lab-seconds). */
export const LOAD_SAMPLE = {
  key: 'load',
  type: 'prompt',
  message: 'Place the sample on rack A.',
  action: { kind: 'load-sample', location: 'rack-a' },
};

/**
 * The sample loaded, then n instantaneous pump steps (the first one also has the robot move the sample into the
 * vessel). Step keys d0..d{n-1}.
 */
export function instantProtocol(id: string, steps: number): Record<string, unknown> {
  return protocolWith(id, [
    LOAD_SAMPLE,
    ...Array.from({ length: steps }, (_, i) => instantDispense(`d${i}`)),
  ]);
}
