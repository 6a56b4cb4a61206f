import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from '../../../test/support/published-schemas';
import { PROTOCOL_SCHEMA_ID } from './protocol.versions';

const ROOT = join(__dirname, '..', '..', '..');

describe('published protocol JSON Schema', () => {
  const entry = publishedSchemas().find((s) => s.path === 'protocols/schema/protocol.schema.json');

  it('is generated from the zod source', () => {
    expect(entry).toBeDefined();
    expect(entry!.schema).toEqual(expect.objectContaining({ $id: PROTOCOL_SCHEMA_ID }));
    expect(JSON.stringify(entry!.schema)).toContain('"x-graftlab-kind":"dose"');
  });

  it('is current: the checked-in file equals the generated one (run `npm run schemas`)', () => {
    const onDisk = readFileSync(join(ROOT, entry!.path), 'utf8');
    expect(onDisk).toBe(JSON.stringify(entry!.schema, null, 2) + '\n');
  });
});
