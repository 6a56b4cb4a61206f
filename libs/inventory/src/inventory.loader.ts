import { readFileSync } from 'node:fs';
import { DocumentError, parseSafeJson, zodProblems, type Problem } from '@graftlab/validation';
import { inventorySchema, type Inventory } from './inventory.schema';

/** Cross-references the schema cannot express: every id named exists, nothing is owned twice. */
function crossCheck(inv: Inventory): Problem[] {
  const problems: Problem[] = [];
  const devices = new Map(inv.devices.map((d, i) => [d.id, i]));
  const locations = new Set(inv.locations.map((l) => l.id));
  const seen = new Set<string>();
  inv.devices.forEach((d, i) => {
    if (seen.has(d.id))
      problems.push({ pointer: `/devices/${i}/id`, message: `duplicate device id "${d.id}"` });
    seen.add(d.id);
    if (d.transport.startsWith('serial://') && !d.serial) {
      problems.push({
        pointer: `/devices/${i}/serial`,
        message: 'a serial device needs its serial settings',
      });
    }
    if (d.role === 'irradiator' && !d.positions?.length) {
      problems.push({
        pointer: `/devices/${i}/positions`,
        message: 'an irradiator needs calibrated positions',
      });
    }
    if (d.role === 'balance' && !d.calibration) {
      problems.push({
        pointer: `/devices/${i}/calibration`,
        message: 'a balance needs its calibration record',
      });
    }
  });
  const owner = new Map<string, string>();
  inv.stations.forEach((s, si) => {
    s.devices.forEach((d, di) => {
      if (!devices.has(d))
        problems.push({ pointer: `/stations/${si}/devices/${di}`, message: `unknown device "${d}"` });
      if (owner.has(d))
        problems.push({
          pointer: `/stations/${si}/devices/${di}`,
          message: `device "${d}" already belongs to station "${owner.get(d)}"`,
        });
      owner.set(d, s.id);
    });
    if (!locations.has(s.vessel))
      problems.push({ pointer: `/stations/${si}/vessel`, message: `unknown location "${s.vessel}"` });
  });
  inv.shared.forEach((d, i) => {
    if (!devices.has(d)) problems.push({ pointer: `/shared/${i}`, message: `unknown device "${d}"` });
    if (owner.has(d))
      problems.push({
        pointer: `/shared/${i}`,
        message: `device "${d}" is shared and also owned by station "${owner.get(d)}"`,
      });
  });
  inv.locations.forEach((l, i) => {
    if (l.device && !devices.has(l.device))
      problems.push({ pointer: `/locations/${i}/device`, message: `unknown device "${l.device}"` });
    if (l.station && !inv.stations.some((s) => s.id === l.station)) {
      problems.push({ pointer: `/locations/${i}/station`, message: `unknown station "${l.station}"` });
    }
  });
  return problems;
}

/** Validates an inventory document already parsed from JSON. */
export function parseInventory(doc: unknown): Inventory {
  const parsed = inventorySchema.safeParse(doc);
  if (!parsed.success) throw new DocumentError(zodProblems(parsed.error, doc));
  const problems = crossCheck(parsed.data);
  if (problems.length) throw new DocumentError(problems);
  return parsed.data;
}

export function loadInventory(path: string): Inventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DocumentError([
      {
        pointer: '',
        message: `cannot read inventory ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    ]);
  }
  return parseInventory(parseSafeJson(text));
}
