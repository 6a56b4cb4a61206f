import type { DeviceRole, Inventory, InventoryStation } from '@graftlab/inventory';
import { canonicalJson, sha256 } from './canonical-json.hash';
import type { ExecutionPlan, PlannedStep, ResolvedArg } from './plan.types';

/**
 * The plan a run executes, as admission stored it: compiled once, bound to the station admission chose (its
 * vessel and devices written into every step), with the hash of the lab it was compiled against. The worker and
 * the reconciler read it; nothing recompiles it.
 */
export interface StationPlan extends ExecutionPlan {
  readonly station: string;
  /** Hash of the inventory's content as the plan sees it (see `inventoryHash`). */
  readonly inventoryHash: string;
}

/**
 * The inventory's content without its wiring: a device's transport (a pty path, a host and port) and bus address
 * say how to reach it, not what it is — the virtual lab's ptys differ at every start, and a re-cabled instrument
 * is the same instrument. Everything else (devices, limits, calibrations, locations, stations, safety) counts.
 */
export function inventoryHash(inventory: Inventory): string {
  const known = hashes.get(inventory);
  if (known) return known;
  const devices = inventory.devices.map((d) => ({
    ...d,
    transport: undefined,
    address: undefined,
    serial: undefined,
    timeoutMs: undefined,
  }));
  const hash = sha256(canonicalJson({ ...inventory, $schema: undefined, devices }));
  hashes.set(inventory, hash);
  return hash;
}

/** A process loads its inventory once and never mutates it: its hash is computed once per object. */
const hashes = new WeakMap<Inventory, string>();

/** The hash the run row keeps of its stored plan: any change to the stored JSON changes it. */
export function storedPlanHash(plan: StationPlan): string {
  return sha256(canonicalJson(plan));
}

/** The device that serves a role for a station: the station's own first, then the lab's shared ones. */
export function stationDeviceFor(
  inventory: Inventory,
  station: InventoryStation,
  role: DeviceRole,
): string | undefined {
  for (const id of [...station.devices, ...inventory.shared]) {
    if (inventory.devices.find((d) => d.id === id)?.role === role) return id;
  }
  return undefined;
}

/**
 * Binds a compiled plan to a station. The compiler resolves a protocol against the vessel it names (reactor-1);
 * admission may run it on any station with the same capabilities, whose vessel and devices then stand in for the
 * named ones in every step, and each step carries its role → device map so no one looks devices up by position.
 */
export function bindPlan(plan: ExecutionPlan, inventory: Inventory, stationId: string): StationPlan {
  const station = inventory.stations.find((s) => s.id === stationId);
  if (!station) throw new Error(`station ${stationId} is not in inventory ${inventory.id}`);
  const otherVessels = new Set(
    inventory.locations
      .filter((l) => l.kind === 'reactor' && l.station && l.station !== station.id)
      .map((l) => l.id),
  );
  const bindArg = (arg: ResolvedArg): ResolvedArg => {
    if (typeof arg === 'string') return otherVessels.has(arg) ? station.vessel : arg;
    if (typeof arg !== 'object' || 'si' in arg) return arg; // a number, a flag, a quantity
    return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, bindArg(v)]));
  };
  const bindStep = (step: PlannedStep): PlannedStep => {
    const onStation = step.station !== null;
    const deviceFor: Partial<Record<DeviceRole, string>> = {};
    for (const [role, compiled] of Object.entries(step.deviceFor) as [DeviceRole, string][]) {
      const shared = inventory.shared.includes(compiled);
      deviceFor[role] =
        (onStation && !shared ? stationDeviceFor(inventory, station, role) : undefined) ?? compiled;
    }
    return {
      ...step,
      station: onStation ? station.id : null,
      devices: step.devices.map((id) => {
        const role = inventory.devices.find((d) => d.id === id)?.role;
        return (role && deviceFor[role]) ?? id;
      }),
      deviceFor,
      args: Object.fromEntries(Object.entries(step.args).map(([k, v]) => [k, bindArg(v)])),
      ...(step.children ? { children: step.children.map(bindStep) } : {}),
    };
  };
  return {
    ...plan,
    steps: plan.steps.map(bindStep),
    station: station.id,
    inventoryHash: inventoryHash(inventory),
  };
}

/** The device a bound step uses for a role; a step that needs it and has none is a compiler bug, said plainly. */
export function deviceOf(step: PlannedStep, role: DeviceRole): string {
  const id = step.deviceFor?.[role];
  if (!id) throw new Error(`step ${step.key} (${step.type}) has no ${role} in its plan`);
  return id;
}

/** What a run row keeps of its plan. */
export interface StoredPlanRow {
  readonly id: string;
  readonly plan: unknown;
  readonly planHash: string | null;
}

/** The stored plan cannot be executed as it is; the reason says what changed and what to do. */
export class StoredPlanRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'StoredPlanRejected';
  }
}

/**
 * The run's stored plan, if it is the one admission stored (its hash matches) and the lab is still the one it was
 * compiled for (same inventory content). Anything else is refused with the reason: a plan altered in the database,
 * or an edit of the inventory since admission, must not silently change what a queued run does.
 */
export function verifyStoredPlan(row: StoredPlanRow, inventory: Inventory): StationPlan {
  const plan = row.plan as StationPlan;
  if (!row.planHash || storedPlanHash(plan) !== row.planHash)
    throw new StoredPlanRejected(
      `the stored plan of run ${row.id} does not match its hash ${row.planHash?.slice(0, 12) ?? '(none)'}: it was altered after admission; abort the run and submit it again`,
    );
  const now = inventoryHash(inventory);
  if (plan.inventoryHash !== now)
    throw new StoredPlanRejected(
      `the inventory changed since run ${row.id} was admitted (plan compiled for ${plan.inventoryHash.slice(0, 12)}, the lab is now ${now.slice(0, 12)}): abort the run and submit it again, so that it is planned for the lab as it is`,
    );
  return plan;
}
