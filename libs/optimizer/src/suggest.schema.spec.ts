import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from '../../../test/support/published-schemas';

const ROOT = join(__dirname, '..', '..', '..');

describe('published suggest JSON Schemas', () => {
  const entries = publishedSchemas().filter((s) => s.path.startsWith('libs/optimizer/schema/'));

  it('document the Pareto objectives, outcome constraints and candidate feasibility', () => {
    expect(entries.map((e) => e.path)).toEqual([
      'libs/optimizer/schema/suggest-request.schema.json',
      'libs/optimizer/schema/suggest-response.schema.json',
    ]);
    const request = JSON.stringify(entries[0].schema);
    expect(request).toContain('"pareto"');
    expect(request).toContain('"constraints"');
    expect(JSON.stringify(entries[1].schema)).toContain('"feasibility"');
  });

  it.each(['suggest-request', 'suggest-response'])('%s is current (run `npm run schemas`)', (name) => {
    const entry = entries.find((e) => e.path.endsWith(`${name}.schema.json`))!;
    expect(readFileSync(join(ROOT, entry.path), 'utf8')).toBe(JSON.stringify(entry.schema, null, 2) + '\n');
  });
});
