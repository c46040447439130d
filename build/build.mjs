// Builds everything that runs: the Node side with esbuild (CLI, bridge, bench, Electron main and
// preload) and the renderer with Vite. Type-checking is `npm run typecheck` (tsc), not this script.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const at = (p) => path.join(root, p);

await rm(at('dist'), { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // npm packages stay in node_modules; only our own code is bundled.
  packages: 'external',
};

await Promise.all([
  esbuild({ ...node, format: 'esm', entryPoints: { cli: at('electron/cli.ts'), bench: at('bench/bench.ts') }, outdir: at('dist') }),
  esbuild({ ...node, format: 'esm', entryPoints: { main: at('electron/main.ts') }, outdir: at('dist/electron'), external: ['electron'] }),
  // A sandboxed preload may only require('electron'): bundle everything else into one CommonJS file.
  esbuild({
    ...node,
    packages: undefined,
    format: 'cjs',
    entryPoints: { preload: at('electron/preload.ts') },
    outdir: at('dist/electron'),
    outExtension: { '.js': '.cjs' },
    external: ['electron'],
  }),
  viteBuild({ configFile: at('vite.config.ts'), logLevel: 'warn' }),
]);
console.log('built dist/');
