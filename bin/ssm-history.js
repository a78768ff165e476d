#!/usr/bin/env node
// From a checkout the TypeScript sources run as they are; the packed package carries the CLI
// bundled into dist/ by prepack (bin/prepack.ts), and no TypeScript.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, 'cli.ts'))) {
  require('tsx/cjs');
  require('./cli.ts');
} else {
  require('../dist/ssm-history.js');
}
