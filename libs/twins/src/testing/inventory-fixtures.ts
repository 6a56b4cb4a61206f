import type { Inventory } from '@graftlab/inventory';
import { freePort } from '@graftlab/infra';

/** A copy whose tcp:// devices ask for free ports (port 0): parallel suites never collide. */
export function withFreeTcpPorts(inventory: Inventory): Inventory {
  const copy = structuredClone(inventory);
  for (const d of copy.devices) d.transport = d.transport.replace(/^(tcp:\/\/[^:/]+):\d+$/, '$1:0');
  return copy;
}

/** A copy with only the MQTT devices (stations keep their MQTT members). */
export function mqttOnly(inventory: Inventory): Inventory {
  const copy = structuredClone(inventory);
  const keep = new Set(copy.devices.filter((d) => d.transport === 'mqtt').map((d) => d.id));
  copy.devices = copy.devices.filter((d) => keep.has(d.id));
  copy.stations = copy.stations
    .map((s) => ({ ...s, devices: s.devices.filter((id) => keep.has(id)) }))
    .filter((s) => s.devices.length > 0);
  copy.shared = copy.shared.filter((id) => keep.has(id));
  for (const l of copy.locations) if (l.device && !keep.has(l.device)) delete l.device;
  return copy;
}

/**
 * A copy whose serial twins get concrete free TCP ports, for inventories written to a file and read by other
 * processes (a worker cannot follow port 0). Ports are free when chosen; tests run one stack per copy.
 */
export async function withReservedTcpPorts(inventory: Inventory): Promise<Inventory> {
  const copy = structuredClone(inventory);
  for (const d of copy.devices) {
    if (/^tcp:\/\/[^:/]+:\d+$/.test(d.transport))
      d.transport = d.transport.replace(/:\d+$/, `:${await freePort()}`);
  }
  return copy;
}
