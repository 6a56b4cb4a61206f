import type { InventoryDevice } from '@graftlab/inventory';
import type { Problem } from '@graftlab/validation';

/** A setpoint (K) against a bath's working range (°C); both ends are checked so every problem shows. */
export function checkBathLimits(
  problems: Problem[],
  bath: InventoryDevice,
  k: number,
  pointer: string,
): void {
  const c = k - 273.15;
  const { minC, maxC } = bath.limits;
  if (maxC !== undefined && c > maxC + 1e-9) {
    problems.push({
      pointer,
      message: `${bath.id} reaches at most ${maxC} °C, asked for ${Number(c.toFixed(2))} °C`,
    });
  }
  if (minC !== undefined && c < minC - 1e-9) {
    problems.push({
      pointer,
      message: `${bath.id} reaches at least ${minC} °C, asked for ${Number(c.toFixed(2))} °C`,
    });
  }
}

/** Units the per-minute flow limits of the inventory are written in. */
const FLOW_LIMIT_UNITS = { maxSccm: 'sccm', maxRateMlPerMin: 'mL/min' } as const;

/**
 * A volume flow (m³/s) against a device limit written per minute in mL (an MFC's sccm, a pump's
 * mL/min); the 1e-15 slack keeps a flow written exactly at the limit from failing on rounding.
 */
export function checkFlowLimit(
  problems: Problem[],
  device: InventoryDevice | undefined,
  limit: keyof typeof FLOW_LIMIT_UNITS,
  flow: { readonly name: string; readonly si: number | undefined; readonly pointer: string },
): void {
  const max = device?.limits[limit];
  if (device && flow.si !== undefined && max !== undefined && flow.si > (max * 1e-6) / 60 + 1e-15) {
    problems.push({
      pointer: flow.pointer,
      message: `${flow.name} exceeds ${device.id}'s limit of ${max} ${FLOW_LIMIT_UNITS[limit]}`,
    });
  }
}
