import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard is bundled into apps/dashboard/dist and served by the API at / (no CDN: labs are often offline).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  logLevel: 'warn',
});
