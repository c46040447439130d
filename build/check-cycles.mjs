// Fails when the project's own modules import each other in a circle (type-only imports included: a
// circle of types is still two modules that cannot be understood apart). Reads every .ts/.tsx file under
// electron/, renderer/src/ and bench/, resolves each relative import with TypeScript's own resolver and
// prints every circle it finds. Run by `npm test`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const roots = ['electron', 'renderer/src', 'bench'].map((r) => path.join(root, r));

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = roots.flatMap(sources);
const known = new Set(files);
const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true, jsx: ts.JsxEmit.ReactJSX };
const host = ts.createCompilerHost(options);

/** file → files it imports (relative imports that resolve to a project source). */
const graph = new Map();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const deps = new Set();
  for (const ref of info.importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const resolved = ts.resolveModuleName(ref.fileName, file, options, host).resolvedModule?.resolvedFileName;
    if (resolved && known.has(path.resolve(resolved))) deps.add(path.resolve(resolved));
  }
  graph.set(file, [...deps]);
}

// Tarjan's strongly connected components: every component of more than one file is a circle.
let index = 0;
const stack = [];
const state = new Map();
const circles = [];
function visit(v) {
  state.set(v, { index, low: index, onStack: true });
  index += 1;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!state.has(w)) {
      visit(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) {
      state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
    }
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component);
  }
}
for (const file of files) if (!state.has(file)) visit(file);

if (circles.length === 0) {
  console.log(`no import cycles in ${files.length} modules`);
} else {
  for (const c of circles) {
    const members = new Set(c);
    console.error(`import cycle among ${c.length} modules:`);
    for (const f of c) {
      const into = (graph.get(f) ?? []).filter((d) => members.has(d)).map((d) => path.relative(root, d));
      console.error(`  ${path.relative(root, f)} -> ${into.join(', ')}`);
    }
  }
  process.exit(1);
}
