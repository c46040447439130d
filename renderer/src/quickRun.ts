// The quick-run panel's words and its starting point, as data. Pure, so every language and verdict has a
// tested sentence.
import type { RunLanguage, RunQueueEvent, RunResult, RunVerdict } from '../../electron/api/contract';

/** A first program per language: it reads one line of stdin, so the panel's stdin box shows what it is for. */
const STARTERS: Record<RunLanguage, string> = {
  python: 'import sys\n\nname = sys.stdin.readline().strip() or "world"\nprint(f"Hello, {name}!")\n',
  bash: 'read -r name\necho "Hello, ${name:-world}!"\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    char name[64] = "world";\n    if (scanf("%63s", name) != 1) { /* keep "world" */ }\n    printf("Hello, %s!\\n", name);\n    return 0;\n}\n',
  cpp: '#include <iostream>\n#include <string>\n\nint main() {\n    std::string name;\n    if (!std::getline(std::cin, name) || name.empty()) name = "world";\n    std::cout << "Hello, " << name << "!\\n";\n}\n',
  java: 'import java.util.Scanner;\n\n// The class must be called Main.\npublic class Main {\n    public static void main(String[] args) {\n        Scanner in = new Scanner(System.in);\n        String name = in.hasNextLine() ? in.nextLine() : "";\n        System.out.println("Hello, " + (name.isEmpty() ? "world" : name) + "!");\n    }\n}\n',
  javascript: 'const input = require("node:fs").readFileSync(0, "utf8");\nconst name = input.split("\\n")[0] || "world";\nconsole.log(`Hello, ${name}!`);\n',
  r: 'name <- readLines(file("stdin"), n = 1)\nif (length(name) == 0 || name == "") name <- "world"\ncat("Hello, ", name, "!\\n", sep = "")\n',
};

export function starterCode(lang: RunLanguage): string {
  return STARTERS[lang];
}

export const LANGUAGE_NAMES: Record<RunLanguage, string> = {
  python: 'Python',
  bash: 'Bash',
  c: 'C',
  cpp: 'C++',
  java: 'Java',
  javascript: 'JavaScript',
  r: 'R',
};

export function languageName(lang: RunLanguage): string {
  return LANGUAGE_NAMES[lang];
}

/** Every bundled lab has these from the Python lab it is built on: they say nothing of what the lab is for. */
const BASE_LANGUAGES: readonly RunLanguage[] = ['python', 'bash'];

/** The language the panel opens on: the lab's own (C in the code lab, R in the R lab), else the first. */
export function preferredLanguage(languages: readonly RunLanguage[]): RunLanguage {
  const own = languages.find((l) => !BASE_LANGUAGES.includes(l));
  return own ?? languages[0] ?? 'python';
}

export type VerdictTone = 'good' | 'bad' | 'warn';

const VERDICTS: Record<RunVerdict, { label: string; tone: VerdictTone }> = {
  accepted: { label: 'Ran to the end', tone: 'good' },
  'compile-error': { label: 'Compile error', tone: 'bad' },
  'runtime-error': { label: 'Runtime error', tone: 'bad' },
  'time-limit': { label: 'Time limit', tone: 'warn' },
  'memory-limit': { label: 'Memory limit', tone: 'warn' },
  'output-limit': { label: 'Output limit', tone: 'warn' },
};

export function verdictWords(verdict: RunVerdict): { label: string; tone: VerdictTone } {
  return VERDICTS[verdict];
}

/** The line under the verdict: exit status, time, memory. */
export function runFigures(result: Pick<RunResult, 'exitCode' | 'timeMs' | 'memoryMiB'>): string {
  const parts = [result.exitCode === null ? 'stopped by ClassLab' : `exit code ${result.exitCode}`, `${formatMs(result.timeMs)}`];
  if (result.memoryMiB !== null) parts.push(`${result.memoryMiB < 10 ? result.memoryMiB.toFixed(1) : Math.round(result.memoryMiB)} MiB peak`);
  return parts.join(' · ');
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Where a run waits, in words: position 0 runs now, N waits behind N - 1 others. */
export function queueWords(event: Pick<RunQueueEvent, 'position' | 'throttled' | 'message'>): string {
  if (event.position === 0) return 'Running…';
  const place = event.position === 1 ? 'next in the queue' : `number ${event.position} in the queue`;
  const slow = event.throttled ? (event.message ?? 'This lab has many runs waiting: its runs are slowed so other labs stay responsive.') : null;
  return slow ? `Waiting: ${place}. ${slow}` : `Waiting: ${place}.`;
}

/** A run id as the contract wants it (r + 16 hex digits), chosen here so queue events can be matched to this run. */
export function newRunId(random: (bytes: Uint8Array<ArrayBuffer>) => void = (b) => void crypto.getRandomValues(b)): string {
  const bytes = new Uint8Array(8);
  random(bytes);
  return `r${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Where a lab's code for one language is kept between visits (the browser's own storage, this PC only). */
export function draftKey(labId: string, lang: RunLanguage): string {
  return `classlab.quickRun.${labId}.${lang}`;
}
