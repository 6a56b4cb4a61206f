import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from '../../../test/support/published-schemas';
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
