import type { DeviceRole, Inventory, InventoryDevice, InventoryStation } from './inventory.schema';

export function deviceById(inv: Inventory, id: string): InventoryDevice | undefined {
  return inv.devices.find((d) => d.id === id);
}

/** The station owning a device, or undefined for a shared instrument. */
export function stationOf(inv: Inventory, deviceId: string): InventoryStation | undefined {
  return inv.stations.find((s) => s.devices.includes(deviceId));
}

/** Roles a station can serve: its own devices plus the lab's shared instruments. */
export function capabilitiesOf(inv: Inventory, station: InventoryStation): Set<DeviceRole> {
  const ids = [...station.devices, ...inv.shared];
  return new Set(ids.map((id) => deviceById(inv, id)?.role).filter((r): r is DeviceRole => r !== undefined));
}

/** The device of a role that serves a station: its own first, then a shared one. */
export function deviceForRole(
  inv: Inventory,
  station: InventoryStation,
  role: DeviceRole,
): InventoryDevice | undefined {
  for (const id of [...station.devices, ...inv.shared]) {
    const d = deviceById(inv, id);
    if (d?.role === role) return d;
  }
  return undefined;
}
