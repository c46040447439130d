// `classlab run`: one program in a throw-away sandbox made from a lab's image (core/runs). Exit codes are
// a contract (README "Quick runs"): 0 the program ran, whatever its verdict (the verdict is the answer,
// not a failure of the command); 2 usage; 3 Docker not running; 4 no such lab, or no lab has the
// language; 5 the lab's image is missing; 6 the sandbox could not start; 8 busy (the queue is full);
// 1 anything else.
import { readFile } from 'node:fs/promises';
import { RUN_LANGUAGES, RunRequest, type RunLanguage } from './api/contract';
import type { ClassLabCore } from './core/types';

export const RUN_USAGE = `  run --lang ${RUN_LANGUAGES.join('|')} [--lab LAB] [FILE|-] [--stdin FILE] [--json]
                          Run a program (FILE, or - / nothing: read from stdin) in a throw-away sandbox
                          made from LAB's image (default: the first lab whose image has the language);
                          prints its output and verdict; exits 0 whenever it ran, whatever the verdict`;

interface RunArgs {
  lang: RunLanguage;
  lab: string | null;
  file: string | null;
  stdinFile: string | null;
  json: boolean;
}

const MAX_CODE = RunRequest.shape.code.maxLength ?? 256 * 1024;
const MAX_STDIN = 1024 * 1024;

export function parseRunArgs(argv: string[]): RunArgs | string {
  let lang: string | undefined;
  let lab: string | null = null;
  let file: string | null = null;
  let stdinFile: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => {
      const v = argv[++i];
      return v === undefined || (v.startsWith('-') && v !== '-') ? undefined : v;
    };
    if (a === '--json') json = true;
    else if (a === '--lang') {
      lang = value();
      if (!lang) return `--lang takes one of ${RUN_LANGUAGES.join(', ')}`;
    } else if (a === '--lab') {
      const v = value();
      if (!v) return '--lab takes a lab id (see `classlab list`)';
      lab = v;
    } else if (a === '--stdin') {
      const v = value();
      if (!v || v === '-') return '--stdin takes a file (the program itself may come from stdin)';
      stdinFile = v;
    } else if (a === '-' || !a.startsWith('-')) {
      if (file !== null) return `unexpected argument ${a}`;
      file = a;
    } else return `unknown option ${a}`;
  }
  if (!lang) return `run needs --lang (${RUN_LANGUAGES.join(', ')})`;
  if (!(RUN_LANGUAGES as readonly string[]).includes(lang)) return `unknown language ${lang}: one of ${RUN_LANGUAGES.join(', ')}`;
  return { lang: lang as RunLanguage, lab, file: file === '-' ? null : file, stdinFile, json };
}

async function readCapped(source: string | null, max: number, what: string): Promise<string | { problem: string }> {
  let bytes: Buffer;
  if (source === null) {
    if (process.stdin.isTTY) return { problem: `give the ${what} as a file, or pipe it in (FILE or -)` };
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > max) return { problem: `the ${what} is larger than ${max / 1024} KiB` };
      chunks.push(chunk as Buffer);
    }
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readFile(source);
    } catch (err) {
      return { problem: `cannot read ${source}: ${(err as Error).message}` };
    }
    if (bytes.length > max) return { problem: `${source} is larger than ${max / 1024} KiB` };
  }
  return bytes.toString('utf8');
}

export async function runCommand(core: ClassLabCore, argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const usage = (why: string): number => {
    process.stderr.write(`classlab: ${why}\n\nUsage:\n${RUN_USAGE}\n`);
    return 2;
  };
  if (typeof args === 'string') return usage(args);
  const code = await readCapped(args.file, MAX_CODE, 'program');
  if (typeof code !== 'string') return usage(code.problem);
  const stdin = args.stdinFile === null ? '' : await readCapped(args.stdinFile, MAX_STDIN, 'stdin');
  if (typeof stdin !== 'string') return usage(stdin.problem);
  const runId = `r${Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex')}`;
  const off = core.subscribe('runs:queue', (e) => {
    if (args.json || e.runId !== runId) return;
    if (e.position > 0) process.stderr.write(`waiting: number ${e.position} in the queue${e.message ? ` — ${e.message}` : ''}\n`);
  });
  try {
    const r = await core.service['runs:run']({ lab: args.lab, lang: args.lang, code, stdin, runId });
    if (args.json) {
      const { verdict, stdout, stderr, exitCode, timeMs, memoryMiB } = r;
      process.stdout.write(`${JSON.stringify({ verdict, stdout, stderr, exitCode, timeMs, memoryMiB })}\n`);
    } else {
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      const facts = [
        r.verdict,
        r.exitCode === null ? 'stopped' : `exit ${r.exitCode}`,
        `${(r.timeMs / 1000).toFixed(2)} s`,
        r.memoryMiB === null ? null : `${r.memoryMiB} MiB`,
        `lab ${r.labId}`,
      ];
      process.stderr.write(`${r.stdout && !r.stdout.endsWith('\n') ? '\n' : ''}[${facts.filter(Boolean).join(' · ')}]${r.note ? ` ${r.note}` : ''}\n`);
    }
    return 0;
  } finally {
    off();
  }
}
