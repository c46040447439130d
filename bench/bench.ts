// `npm run bench [-- NAME…]`: each figure is ClassLab against the raw Docker CLI or API doing the same
// work in the same run, as medians over several runs, printed as one BENCH line and written to
// bench/results.json. Figures are reported, never asserted: targets are in the README. `--repeat N` runs
// the selection N times and reports each figure's median run with its run-to-run range.
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
import { openHub } from './open-hub';
import { openRemoteSsh } from './open-remote-ssh';

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
  { names: ['open-hub'], measure: async () => [await openHub()] },
  { names: ['open-remote-ssh'], measure: async () => [await openRemoteSsh()] },
  { names: ['idle-30-labs-cpu', 'idle-30-labs-rss', 'status-json'], measure: idleLabsFigures },
];

/** `--repeat N`: the whole selection N times; each figure is then the median run, with the range beside it. */
function repeatCount(argv: string[]): number {
  const i = argv.indexOf('--repeat');
  if (i < 0) return 1;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    process.stderr.write('bench: --repeat takes a whole number from 1 to 20\n');
    process.exit(2);
  }
  return n;
}

export interface Ranged extends Figure {
  /** Over the repeats: the lowest and highest of ClassLab's figure and of the ratio. */
  range: { classlab: [number, number]; ratio: [number, number]; repeats: number };
}

function ranged(all: Figure[]): Ranged {
  const byRatio = [...all].sort((a, b) => a.ratio - b.ratio);
  const mid = byRatio[Math.floor((byRatio.length - 1) / 2)]!;
  const values = all.map((f) => f.classlab);
  const ratios = all.map((f) => f.ratio);
  return {
    ...mid,
    range: { classlab: [Math.min(...values), Math.max(...values)], ratio: [Math.min(...ratios), Math.max(...ratios)], repeats: all.length },
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const repeats = repeatCount(argv);
  const wanted = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '--repeat');
  const all = entries.flatMap((e) => e.names);
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) {
    process.stderr.write(`bench: unknown figure ${unknown.join(', ')}; figures: ${all.join(', ')}\n`);
    process.exit(2);
  }
  const seen = new Map<string, Figure[]>();
  for (let r = 0; r < repeats; r++) {
    for (const entry of entries) {
      if (wanted.length && !entry.names.some((n) => wanted.includes(n))) continue;
      for (const f of await entry.measure()) {
        if (wanted.length && !wanted.includes(f.name)) continue;
        seen.set(f.name, [...(seen.get(f.name) ?? []), f]);
        const of = repeats > 1 ? ` repeat=${r + 1}/${repeats}` : '';
        process.stdout.write(`BENCH ${f.name} classlab=${f.classlab} baseline=${f.baseline} ratio=${f.ratio} unit=${f.unit}${of}\n`);
      }
    }
  }
  const results = [...seen.values()].map((runs) => (repeats > 1 ? ranged(runs) : runs[0]!));
  if (repeats > 1) {
    for (const f of results as Ranged[]) {
      process.stdout.write(
        `RANGE ${f.name} classlab=${f.range.classlab.join('..')} ratio=${f.range.ratio.join('..')} unit=${f.unit} repeats=${f.range.repeats}\n`,
      );
    }
  }
  const { stdout: engine } = await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(() => ({ stdout: 'unknown' }));
  mkdirSync(path.join(REPO, 'bench'), { recursive: true });
  const out = path.join(REPO, 'bench', 'results.json');
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), engine: engine.trim(), node: process.version, cpus: os.cpus().length, repeats, figures: results }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
