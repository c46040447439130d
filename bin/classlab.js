#!/usr/bin/env node
// The `classlab` command: runs the built CLI (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('classlab: not built yet. Run `npm run build` in the ClassLab folder first.\n');
  process.exit(1);
}
await import(cli);
