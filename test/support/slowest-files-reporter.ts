// Prints the slowest test files at the very end of a run. CI keeps only the last lines of its log, where
// vitest's per-file durations (printed as each file ends) are long gone; this list is what tells which
// files to make faster when the run creeps towards its time limit.
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const SHOWN = 15;

export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const timed = modules.map((m) => ({ file: path.relative(process.cwd(), m.moduleId), ms: m.diagnostic().duration })).sort((a, b) => b.ms - a.ms);
    if (timed.length === 0) return;
    const total = timed.reduce((sum, t) => sum + t.ms, 0);
    const lines = timed
      .slice(0, SHOWN)
      .map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${((100 * t.ms) / total).toFixed(1).padStart(4)} %  ${t.file}`);
    console.log(`\nSlowest test files (${timed.length} files, ${(total / 60_000).toFixed(1)} min in all):\n${lines.join('\n')}\n`);
  }
}
