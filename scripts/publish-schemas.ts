// Writes the published JSON Schemas from their zod sources: `npm run schemas`. A test checks they are current.
import { writeFileSync } from 'node:fs';
import { publishedSchemas } from '../test/support/published-schemas';

for (const { path, schema } of publishedSchemas()) {
  writeFileSync(path, JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote ${path}`);
}
