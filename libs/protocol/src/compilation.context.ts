import {
  deviceById,
  deviceForRole,
  type DeviceRole,
  type Inventory,
  type InventoryDevice,
  type InventoryLocation,
  type InventoryStation,
} from '@graftlab/inventory';
import type { Problem } from '@graftlab/validation';
import type { z } from 'zod';
import { resolveField, type ParameterScope } from './parameter.scope';
import type { CalibrationUsed } from './plan.types';
import type { Protocol } from './protocol.schema';
import { quantityFields, type QuantityField } from './quantity.fields';
import type { ResolvedQuantity } from './quantity.resolver';

/**
 * State of one compilation: the inputs, every problem found so far (collected, never thrown, so the
 * author sees them all at once) and what the steps accumulate for the plan as a whole.
 */
export class Compilation {
  readonly problems: Problem[] = [];
  readonly calibrations = new Map<string, CalibrationUsed>();
  readonly consumables = new Map<string, { volume: number; mass: number }>();
  /** Last setpoint of each vessel, so a heat step is estimated from where the previous one left it. */
  readonly vesselTemperature = new Map<string, number>();

  constructor(
    readonly protocol: Protocol,
    readonly inventory: Inventory,
    readonly scope: ParameterScope,
    readonly date: Date,
  ) {}

  /** Resolves one quantity field over the parameters; records its problem and gives undefined on failure. */
  resolve(field: QuantityField): ResolvedQuantity | undefined {
    const r = resolveField(field.text, field.spec, this.scope, field.pointer);
    if ('problem' in r) {
      this.problems.push(r.problem);
      return undefined;
    }
    return r.value;
  }

  /**
   * SI values of the quantity fields of `value`, by property path ("max", "untilConstantMass/interval").
   * Resolved lazily, on the first ask, so problems are recorded in the order the caller reads the fields.
   */
  quantities(schema: z.ZodType, value: unknown, pointer: string): (path: string) => number | undefined {
    const fields = new Map(quantityFields(schema, value, pointer).map((f) => [f.path.join('/'), f]));
    return (path) => {
      const f = fields.get(path);
      return f ? this.resolve(f)?.si : undefined;
    };
  }

  location(id: string, pointer: string): InventoryLocation | undefined {
    const loc = this.inventory.locations.find((l) => l.id === id);
    if (!loc) {
      this.problems.push({
        pointer,
        message: `unknown location "${id}" in inventory "${this.inventory.id}"`,
      });
    }
    return loc;
  }

  station(
    loc: InventoryLocation | undefined,
    pointer: string,
    roles: DeviceRole[],
  ): InventoryStation | undefined {
    if (!loc || roles.length === 0) return undefined;
    const station = loc.station ? this.inventory.stations.find((s) => s.id === loc.station) : undefined;
    if (!station) {
      this.problems.push({
        pointer,
        message: `location "${loc.id}" belongs to no station, so no ${roles.join(' or ')} can serve it`,
      });
    }
    return station;
  }

  /** Device of a role: the station's own first, then a shared one, then any in the lab. */
  device(
    role: DeviceRole,
    station: InventoryStation | undefined,
    pointer: string,
  ): InventoryDevice | undefined {
    const d = station
      ? deviceForRole(this.inventory, station, role)
      : (this.inventory.shared.map((id) => deviceById(this.inventory, id)).find((x) => x?.role === role) ??
        this.inventory.devices.find((x) => x.role === role));
    if (!d) {
      this.problems.push({
        pointer,
        message: station
          ? `station "${station.id}" has no ${role} (its devices: ${station.devices.join(', ')})`
          : `inventory "${this.inventory.id}" has no ${role}`,
      });
    }
    return d;
  }
}
