import { join } from 'node:path';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import {
  bindPlan,
  inventoryHash,
  StoredPlanRejected,
  storedPlanHash,
  verifyStoredPlan,
} from './plan.binding';
import type { PlannedStep } from './plan.types';
import { compileProtocol } from './protocol.compiler';
import { loadProtocolFile } from './protocol.loader';

const ROOT = join(__dirname, '..', '..', '..');
const INVENTORY = loadInventory(join(ROOT, 'devices', 'virtual-lab.json'));
const NOW = new Date('2026-12-01T08:00:00Z');
const compiled = () =>
  compileProtocol(
    loadProtocolFile(join(ROOT, 'protocols', 'pe-gma-emulsion.json')),
    { dose: 12 },
    INVENTORY,
    {
      now: NOW,
    },
  );
const flat = (steps: readonly PlannedStep[]): PlannedStep[] =>
  steps.flatMap((s) => [s, ...flat(s.children ?? [])]);

describe('a plan bound to its station', () => {
  it('puts the station of the run in every step: its vessel and its devices, by role; shared instruments stay', () => {
    const plan = bindPlan(compiled(), INVENTORY, 'reactor-3');
    const steps = flat(plan.steps);
    const dispense = steps.find((s) => s.type === 'dispense')!;
    expect(dispense.args.vessel).toBe('reactor-3/vessel');
    expect(dispense.deviceFor.dispenser).toBe('pump-3');
    expect(dispense.devices).toEqual(['pump-3']);
    const heat = steps.find((s) => s.type === 'heat')!;
    expect(heat.station).toBe('reactor-3');
    expect(heat.deviceFor['temperature-controller']).toBe('bath-3');
    const irradiate = steps.find((s) => s.type === 'irradiate')!;
    expect(irradiate.deviceFor).toEqual({ irradiator: 'irradiator-1', shutter: 'shutter-1' });
    expect(irradiate.dose?.value).toBe(12); // the run's parameters, not the protocol's defaults
    // No step of the plan names another station's vessel or device.
    const text = JSON.stringify(plan.steps);
    for (const other of ['reactor-1/vessel', 'pump-1', 'bath-1', 'mfc-1', 'o2-1'])
      expect(text).not.toContain(other);
    expect(plan.station).toBe('reactor-3');
  });

  it('every compiled step names its devices by role (no lookup by position)', () => {
    for (const step of flat(compiled().steps)) {
      for (const id of step.devices) {
        const role = INVENTORY.devices.find((d) => d.id === id)!.role;
        expect(step.deviceFor[role]).toBe(id);
      }
    }
  });
});

describe('a stored plan is the one admitted, for the lab it was planned for', () => {
  const row = () => {
    const plan = bindPlan(compiled(), INVENTORY, 'reactor-2');
    return { id: 'r-1', plan: JSON.parse(JSON.stringify(plan)) as unknown, planHash: storedPlanHash(plan) };
  };
  const reason = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof StoredPlanRejected) return e.reason;
      throw e;
    }
    return 'accepted';
  };

  it('is accepted as stored (after a round trip through JSON)', () => {
    expect(reason(() => verifyStoredPlan(row(), INVENTORY))).toBe('accepted');
  });

  it('is refused when the stored JSON was altered (a dose edited in the database)', () => {
    const r = row();
    const plan = r.plan as { steps: { type: string; dose?: { si: number } }[] };
    plan.steps.find((s) => s.type === 'irradiate')!.dose!.si = 50_000;
    expect(reason(() => verifyStoredPlan(r, INVENTORY))).toMatch(
      /does not match its hash .* altered after admission/,
    );
  });

  it('is refused when the inventory changed since admission, and says what to do', () => {
    const edited: Inventory = {
      ...INVENTORY,
      devices: INVENTORY.devices.map((d) =>
        d.id === 'irradiator-1' && d.positions
          ? { ...d, positions: d.positions.map((p) => ({ ...p, doseRateKGyPerH: p.doseRateKGyPerH * 2 })) }
          : d,
      ),
    };
    expect(inventoryHash(edited)).not.toBe(inventoryHash(INVENTORY));
    expect(reason(() => verifyStoredPlan(row(), edited))).toMatch(
      /inventory changed since run r-1 was admitted .* submit it again/,
    );
  });

  it('is not refused when only the wiring changed (a pty path or a port)', () => {
    const rewired: Inventory = {
      ...INVENTORY,
      devices: INVENTORY.devices.map((d) =>
        d.transport.startsWith('serial') ? { ...d, transport: 'serial:///dev/pts/99' } : d,
      ),
    };
    expect(reason(() => verifyStoredPlan(row(), rewired))).toBe('accepted');
  });

  it('has no hash at all for a row without one: refused', () => {
    expect(reason(() => verifyStoredPlan({ ...row(), planHash: null }, INVENTORY))).toMatch(/does not match/);
  });
});
