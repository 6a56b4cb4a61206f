import type { InventoryDevice } from '@graftlab/inventory';
import { DeviceError } from '../capabilities/device-error';

/** Refuses (before anything is sent) a dispense outside the pump's declared limits. */
export function checkDispenseLimits(device: InventoryDevice, volumeMl: number, rateMlPerMin: number): void {
  const maxRate = device.limits.maxRateMlPerMin;
  if (!(volumeMl > 0 && rateMlPerMin > 0) || (maxRate !== undefined && rateMlPerMin > maxRate)) {
    throw new DeviceError(
      'refused',
      device.id,
      `dispense ${volumeMl} mL at ${rateMlPerMin} mL/min is outside the limits`,
    );
  }
}
