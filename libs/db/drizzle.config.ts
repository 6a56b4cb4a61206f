// Generates SQL migrations from the schema; run `npx drizzle-kit generate --config libs/db/drizzle.config.ts`.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/db/src/schema/*.table.ts',
  out: './libs/db/migrations',
});
