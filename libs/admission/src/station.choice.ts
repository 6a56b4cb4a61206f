import type { RunsRepository } from '@graftlab/db';
import { capabilitiesOf, type DeviceRole, type Inventory } from '@graftlab/inventory';
import type { PlannedStep } from '@graftlab/protocol';
import { SubmissionRefused } from './submission.errors';

function rolesOfPlan(steps: readonly PlannedStep[], out = new Set<DeviceRole>()): Set<DeviceRole> {
  for (const s of steps) {
    for (const r of s.roles) out.add(r);
    if (s.children) rolesOfPlan(s.children, out);
  }
  return out;
}

/** The least busy station with every capability the plan needs, preferring stations a live worker serves. */
export async function chooseStation(
  inventory: Inventory,
  steps: readonly PlannedStep[],
  runs: Pick<RunsRepository, 'loadByStation'>,
  liveStations: readonly string[],
): Promise<string> {
  const needed = rolesOfPlan(steps);
  const able = inventory.stations.filter((s) => {
    const caps = capabilitiesOf(inventory, s);
    return [...needed].every((r) => caps.has(r));
  });
  if (!able.length)
    throw new SubmissionRefused(
      422,
      `no station has every capability the protocol needs (${[...needed].join(', ')})`,
    );
  const live = new Set(liveStations);
  const candidates =
    live.size && able.some((s) => live.has(s.id)) ? able.filter((s) => live.has(s.id)) : able;
  const load = await runs.loadByStation(candidates.map((s) => s.id));
  return [...candidates].sort(
    (a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id.localeCompare(b.id),
  )[0].id;
}
