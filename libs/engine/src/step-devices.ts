import type { DeviceRole } from '@graftlab/inventory';
import type { PlannedStep } from '@graftlab/protocol';
import type { RunContext } from './run-context';

/**
 * The device a step uses for a role: the one its stored plan names; for an instrument the step only consults and
 * the plan does not list (the O₂ sensor a heat step reads, the station's balance a dry step weighs on), the run's
 * station's own.
 */
export function deviceFor(ctx: RunContext, step: PlannedStep, role: DeviceRole): string | undefined {
  return step.deviceFor[role] ?? ctx.devices.deviceIdFor(ctx.station, role);
}
