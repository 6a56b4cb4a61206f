import { doseRateAt, type InventoryDevice, type IrradiationPosition } from '@graftlab/inventory';
import type { Compilation } from './compilation.context';
import type { ResolvedArg } from './plan.types';
import type { ResolvedQuantity } from './quantity.resolver';
import { isQuantity, quantityOf, siOf } from './resolved-arg.access';

export interface ResolvedIrradiation {
  readonly device: InventoryDevice;
  readonly doseRate: ResolvedQuantity;
  /** Undefined when the step gives neither a dose nor an exposure that resolved. */
  readonly dose?: ResolvedQuantity;
  readonly exposureS?: number;
}

/** "irradiator-1/p1", or "p1" when only one irradiator has such a position. */
function findPosition(
  c: Compilation,
  ref: string,
  pointer: string,
): { device: InventoryDevice; position: IrradiationPosition } | undefined {
  const irradiators = c.inventory.devices.filter((d) => d.role === 'irradiator');
  const [deviceId, positionId] = ref.includes('/') ? ref.split('/', 2) : [undefined, ref];
  const matches = irradiators
    .filter((d) => deviceId === undefined || d.id === deviceId)
    .flatMap((d) =>
      (d.positions ?? []).filter((p) => p.id === positionId).map((p) => ({ device: d, position: p })),
    );
  const known = irradiators.flatMap((d) => (d.positions ?? []).map((p) => `${d.id}/${p.id}`));
  if (matches.length === 1) return matches[0];
  c.problems.push({
    pointer,
    message:
      matches.length > 1
        ? `position "${ref}" is ambiguous; use one of ${matches.map((m) => `${m.device.id}/${m.position.id}`).join(', ')}`
        : `unknown irradiation position "${ref}"; the inventory has ${known.join(', ') || 'none'}`,
  });
  return undefined;
}

/**
 * Resolves an irradiation at a position: the dose rate decay-corrected to the plan date (recorded as
 * a calibration the plan used, so it enters the hash), and a target dose turned into an exposure time
 * or a fixed exposure into the dose it delivers.
 */
export function resolveIrradiation(
  c: Compilation,
  positionRef: string,
  args: Readonly<Record<string, ResolvedArg>>,
  pointer: string,
): ResolvedIrradiation | undefined {
  const found = findPosition(c, positionRef, pointer);
  if (!found) return undefined;
  const rateKGyH = doseRateAt(found.position, c.date);
  const rateSi = (rateKGyH * 1000) / 3600;
  const doseRate = quantityOf(rateSi, 'Gy/s', rateKGyH, 'kGy/h');
  c.calibrations.set(`${found.device.id}/${found.position.id}`, {
    device: found.device.id,
    position: found.position.id,
    calibrationId: found.position.calibrationId,
    calibratedAt: found.position.calibratedAt,
    dosimeter: found.position.dosimeter,
    nuclide: found.position.nuclide,
    doseRateKGyPerH: found.position.doseRateKGyPerH,
    doseRateAtPlanKGyPerH: rateKGyH,
    relativeUncertainty: found.position.relativeUncertainty,
  });
  const target = args.dose;
  if (isQuantity(target))
    return { device: found.device, doseRate, dose: target, exposureS: target.si / rateSi };
  const exposureS = siOf(args, 'exposure');
  if (exposureS === undefined) return { device: found.device, doseRate };
  const gy = exposureS * rateSi;
  return { device: found.device, doseRate, dose: quantityOf(gy, 'Gy', gy / 1000, 'kGy'), exposureS };
}
