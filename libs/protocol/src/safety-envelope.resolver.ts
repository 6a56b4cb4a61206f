import type { Compilation } from './compilation.context';
import { materialsSchema } from './materials.schema';
import type { SafetyEnvelope } from './plan.types';
import { protocolSafetySchema } from './protocol.schema';
import { tidy } from './quantity.resolver';

/** The limits the engine enforces at run time: for each, the stricter of the protocol's and the lab's. */
export function resolveEnvelope(c: Compilation): SafetyEnvelope {
  const { protocol, inventory } = c;
  // Resolve through the same field specs the schemas declare, so limits stay in one place.
  const s = c.quantities(protocolSafetySchema, protocol.safety, '/safety');
  const lab = inventory.safety;
  const flashK = c.quantities(materialsSchema, protocol.materials, '/materials')('solvent/flashPoint');
  const marginK = Math.max(s('flashPointMargin') ?? 0, lab.flashPointMarginC);
  const o2 = tidy(Math.min(s('o2Max') ?? Infinity, lab.o2MaxPpm * 1e-6));
  const vessels: Record<string, number> = {};
  for (const l of inventory.locations)
    if (l.maxVolumeMl !== undefined) vessels[l.id] = tidy(l.maxVolumeMl * 1e-6);
  return {
    requireDoorClosed: true,
    maxDosePerSampleGy: Math.min(s('maxDosePerSample') ?? Infinity, lab.maxDosePerSampleKGy * 1000),
    maxDosePerRunGy: Math.min(s('maxDosePerRun') ?? Infinity, lab.maxDosePerRunKGy * 1000),
    approvalDoseGy: lab.approvalDoseKGy * 1000,
    o2MaxFraction: o2,
    minPurgeS: Math.max(s('minPurge') ?? 0, lab.minPurgeMin * 60),
    flashPointMarginK: marginK,
    solventFlashPointK: flashK ?? null,
    flashPointLimitK: flashK === undefined ? null : flashK - marginK,
    maxTemperatureK: s('maxTemperature') ?? null,
    inertAboveFlashPoint: protocol.safety.inertAboveFlashPoint,
    irradiate: { doorClosed: true, purgeComplete: true, o2MaxFraction: o2 },
    vesselMaxVolumeM3: vessels,
  };
}
