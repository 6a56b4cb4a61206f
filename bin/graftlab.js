#!/usr/bin/env node
// The CLI runs from the compiled tree (built by `npm ci` through the prepare script, or `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('graftlab: not built yet; run `npm run build` in the graftlab checkout\n');
  process.exit(2);
}
process.argv[1] = entry;
void require(entry).runCli(process.argv);
