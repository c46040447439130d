// `npm run lint:electron` [folder]: Electronegativity (the Electron security checker) over the shell's code,
// offline, for the Electron version that is installed. Fails on any HIGH finding, and on a file it could
// not parse (a file it cannot read is a file it did not check). MEDIUM and LOW findings are printed: each
// one in the code is reviewed there, with the reason, in an `eng-disable <CHECK>` comment on its line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

// The tool logs its own progress (and that it cannot fetch release lists offline): keep only our summary.
const quiet = { log: console.log, warn: console.warn, info: console.info };
console.log = console.warn = console.info = () => {};
let result;
try {
  result = await run({
    input: path.resolve(process.argv[2] ?? path.join(root, 'electron')),
    electronVersionOverride: electronVersion,
    isRelative: true,
    isVerbose: false,
  });
} finally {
  Object.assign(console, quiet);
}

const unread = result.errors.filter((e) => !e.tolerable);
for (const e of unread) console.error(`electronegativity could not parse ${path.relative(root, e.file)}: ${e.message}`);
const lines = result.issues.map((i) => ({ severity: i.severity.name, line: `${i.severity.name.padEnd(6)} ${i.id} ${i.file}:${i.location.line}` }));
for (const { line } of lines) console.log(line);
const high = lines.filter((l) => l.severity === 'HIGH').length;
console.log(`electronegativity (Electron ${electronVersion}): ${result.issues.length} finding(s), ${high} of high severity, ${unread.length} file(s) unread`);
process.exit(high > 0 || unread.length > 0 ? 1 : 0);
