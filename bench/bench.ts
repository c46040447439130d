// `npm run bench [-- NAME…]`: each figure is ClassLab against the raw Docker CLI or API doing the same
// work in the same run, as medians over several runs, printed as one BENCH line and written to
// bench/results.json. Figures are reported, never asserted: targets are in the README.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './lab';
import { openToReady } from './open-to-ready';
import type { Figure } from './stats';
import { terminalFigures } from './terminal';
import { fileFigures } from './files';
import { packFigures } from './packs';
import { quickRunFigures } from './quick-run';
import { launcherReady } from './launcher-ready';
import { idleLabsFigures } from './idle-labs';
import { openTenAtOnce, openToReadyWarm } from './warm';

const run = promisify(execFile);

/** Each entry measures one or more figures; `npm run bench -- NAME` runs the entries that yield NAME. */
const entries: Array<{ names: string[]; measure: () => Promise<Figure[]> }> = [
  { names: ['open-to-ready'], measure: async () => [await openToReady()] },
  { names: ['open-to-ready-warm'], measure: async () => [await openToReadyWarm()] },
  { names: ['open-10-at-once'], measure: async () => [await openTenAtOnce()] },
  { names: ['terminal-echo-p99', 'terminal-throughput'], measure: terminalFigures },
  { names: ['upload-200mb', 'download-200mb', 'upload-1000-files', 'download-1000-files'], measure: fileFigures },
  { names: ['pack-export', 'pack-import', 'pack-size'], measure: packFigures },
  { names: ['launcher-ready'], measure: async () => [await launcherReady()] },
  { names: ['quick-run', 'quick-run-p95', 'quick-run-throughput'], measure: quickRunFigures },
  { names: ['idle-30-labs-cpu', 'idle-30-labs-rss', 'status-json'], measure: idleLabsFigures },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const all = entries.flatMap((e) => e.names);
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) {
    process.stderr.write(`bench: unknown figure ${unknown.join(', ')}; figures: ${all.join(', ')}\n`);
    process.exit(2);
  }
  const results: Figure[] = [];
  for (const entry of entries) {
    if (wanted.length && !entry.names.some((n) => wanted.includes(n))) continue;
    for (const f of await entry.measure()) {
      if (wanted.length && !wanted.includes(f.name)) continue;
      results.push(f);
      process.stdout.write(`BENCH ${f.name} classlab=${f.classlab} baseline=${f.baseline} ratio=${f.ratio} unit=${f.unit}\n`);
    }
  }
  const { stdout: engine } = await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(() => ({ stdout: 'unknown' }));
  mkdirSync(path.join(REPO, 'bench'), { recursive: true });
  const out = path.join(REPO, 'bench', 'results.json');
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), engine: engine.trim(), node: process.version, cpus: os.cpus().length, figures: results }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
