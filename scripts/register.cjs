// `node -r ./scripts/register.cjs file.ts`: runs TypeScript sources directly with the build's SWC options
// (used for scripts and for child processes spawned by tests, so they need no prior build).
const fs = require('node:fs');
const Module = require('node:module');
const swc = require('@swc/core');
const swcOptions = require('./swc-options.cjs');

const options = swcOptions({ sourceMaps: 'inline' });
Module._extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...options, filename });
  module._compile(code, filename);
};
process.setSourceMapsEnabled?.(true);
