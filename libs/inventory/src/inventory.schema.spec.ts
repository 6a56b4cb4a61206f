import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from '../../../test/support/published-schemas';
import { loadInventory } from './inventory.loader';
import { ROLES } from './inventory.schema';

const ROOT = join(__dirname, '..', '..', '..');

describe('published inventory JSON Schema', () => {
  const entry = publishedSchemas().find((s) => s.path === 'devices/schema/inventory.schema.json');

  it('is current: the checked-in file equals the generated one (run `npm run schemas`)', () => {
    expect(entry).toBeDefined();
    const onDisk = readFileSync(join(ROOT, entry!.path), 'utf8');
    expect(onDisk).toBe(JSON.stringify(entry!.schema, null, 2) + '\n');
  });

  it('lists every device role', () => {
    for (const role of ROLES) expect(JSON.stringify(entry!.schema)).toContain(`"${role}"`);
  });
});

describe('the virtual lab inventory', () => {
  const inventory = loadInventory(join(ROOT, 'devices/virtual-lab.json'));

  it('shares a titrator and an impedance analyser, each with one measurement cell', () => {
    for (const [id, role] of [
      ['titrator-1', 'titrator'],
      ['impedance-1', 'impedance-analyser'],
    ] as const) {
      expect(inventory.devices.find((d) => d.id === id)?.role).toBe(role);
      expect(inventory.shared).toContain(id);
      expect(inventory.locations.filter((l) => l.device === id && l.kind === 'measurement')).toHaveLength(1);
    }
  });

  it('gives every TCP device its own port', () => {
    const ports = inventory.devices.map((d) => d.transport).filter((t) => t.startsWith('tcp://'));
    expect(new Set(ports).size).toBe(ports.length);
  });
});
