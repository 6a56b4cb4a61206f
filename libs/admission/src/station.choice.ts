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
  /**
   * Runs this process is admitting right now, per station (not committed yet, so not in the count). The chosen
   * station is reserved in it at once, before anything else can choose; the caller releases it after its commit.
   */
  admitting: Map<string, number> = new Map(),
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
  const counted = await runs.loadByStation(candidates.map((s) => s.id));
  const load = new Map(candidates.map((c) => [c.id, (counted.get(c.id) ?? 0) + (admitting.get(c.id) ?? 0)]));
  const chosen = [...candidates].sort(
    (a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id.localeCompare(b.id),
  )[0].id;
  admitting.set(chosen, (admitting.get(chosen) ?? 0) + 1);
  return chosen;
}
