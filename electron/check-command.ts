// `classlab check` and `classlab exercises`: a program checked against an exercise's tests (each a quick
// run; hidden tests say only passed or their verdict), the exercises installed for a lab, and an
// instructor's folder installed on this computer (an admin command: core/exercises/store.ts). Exit codes
// (README "Exercises"): 0 every test passed; 20 checked, and some test did not pass; 2 usage; 4 no such
// lab or exercise; 5 the lab's image is missing; 8 busy; PROFILE_INVALID's for an exercise that fails its
// checks; 1 anything else.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RUN_LANGUAGES, RunRequest, type CheckResult, type ExerciseSummary, type RunLanguage } from './api/contract';
import { LabError } from './api/errors';
import { ExerciseStore } from './core/exercises/store';
import { testLine } from './core/exercises/views';
import type { Logger } from './core/log';
import type { CoreService } from './core/types';

export const CHECK_USAGE = `  check EXERCISE FILE [--lab LAB] [--lang L] [--json]
                          Check a program against an exercise's tests, each in a throw-away sandbox;
                          EXERCISE is ID or LAB/ID; exits 0 when every test passed, 20 when some did not
  exercises [list] [LAB] [--json]
                          The exercises installed on this computer (for LAB, or for every lab)
  exercises install LAB FOLDER
                          Install (or replace) an exercise from FOLDER (exercise.json, statement.md);
                          its id is the folder's name. Hidden tests stay on this computer (admin)
  exercises remove LAB ID Remove an installed exercise (admin)`;

/** Checked, and at least one test did not pass (not an error of the command). */
export const EXIT_NOT_PASSED = 20;

const EXTENSIONS: Record<string, RunLanguage> = {
  '.py': 'python',
  '.sh': 'bash',
  '.c': 'c',
  '.cpp': 'cpp',
  '.cc': 'cpp',
  '.java': 'java',
  '.js': 'javascript',
  '.r': 'r',
  '.R': 'r',
};

/** Whether `classlab exercises …` changes this computer's exercises: an admin command. */
export function isExercisesAdmin(command: string | undefined, args: string[]): boolean {
  return command === 'exercises' && (args[0] === 'install' || args[0] === 'remove');
}

interface CheckArgs {
  exercise: string;
  lab: string | null;
  file: string;
  lang: RunLanguage | null;
  json: boolean;
}

export function parseCheckArgs(argv: string[]): CheckArgs | string {
  const positional: string[] = [];
  let lab: string | null = null;
  let lang: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--lab' || a === '--lang') {
      const v = argv[++i];
      if (!v || v.startsWith('-')) return `${a} takes a value`;
      if (a === '--lab') lab = v;
      else lang = v;
    } else if (a.startsWith('-')) return `unknown option ${a}`;
    else positional.push(a);
  }
  if (positional.length !== 2) return 'check takes an exercise and a file: check EXERCISE FILE';
  const file = positional[1]!;
  let exercise = positional[0]!;
  const slash = exercise.indexOf('/');
  if (slash >= 0) {
    if (lab !== null && lab !== exercise.slice(0, slash)) return `the exercise ${exercise} is not of --lab ${lab}`;
    lab = exercise.slice(0, slash);
    exercise = exercise.slice(slash + 1);
  }
  if (lang !== null && !(RUN_LANGUAGES as readonly string[]).includes(lang)) return `unknown language ${lang}: one of ${RUN_LANGUAGES.join(', ')}`;
  return { exercise, lab, file, lang: lang as RunLanguage | null, json };
}

async function findExercise(service: CoreService, lab: string | null, id: string): Promise<ExerciseSummary> {
  const labs = lab !== null ? [lab] : (await service['labs:list']()).labs.map((l) => l.id);
  const found: ExerciseSummary[] = [];
  for (const l of labs) found.push(...(await service['exercises:list'](l)).filter((e) => e.id === id));
  if (found.length === 0)
    throw new LabError('NOT_FOUND', `There is no exercise ${id}${lab ? ` for ${lab}` : ''} on this computer (see \`classlab exercises\`).`);
  if (found.length > 1) throw new LabError('NOT_FOUND', `${id} is an exercise of ${found.map((e) => e.lab).join(' and ')}: say which, as LAB/${id}.`);
  return found[0]!;
}

function printResult(r: CheckResult): void {
  if (r.compileOutput) process.stderr.write(`${r.compileOutput}${r.compileOutput.endsWith('\n') ? '' : '\n'}`);
  for (const t of r.tests) process.stdout.write(`${testLine(t)}${t.note ? ` — ${t.note}` : ''}\n`);
  process.stdout.write(`${r.passed ? 'passed' : 'not passed'}: ${r.points} of ${r.maxPoints} points\n`);
}

export interface ExercisesCommandDeps {
  service: CoreService;
  dataDir: string;
  log: Logger;
  json: boolean;
  usage(why: string): number;
}

export async function checkCommand({ service, usage }: ExercisesCommandDeps, argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv);
  if (typeof args === 'string') return usage(args);
  let bytes: Buffer;
  try {
    bytes = await readFile(args.file);
  } catch (err) {
    return usage(`cannot read ${args.file}: ${(err as Error).message}`);
  }
  const max = RunRequest.shape.code.maxLength ?? 256 * 1024;
  if (bytes.length > max) return usage(`${args.file} is larger than ${max / 1024} KiB`);
  const exercise = await findExercise(service, args.lab, args.exercise);
  const lang = args.lang ?? EXTENSIONS[path.extname(args.file)] ?? (exercise.languages.length === 1 ? exercise.languages[0]! : null);
  if (lang === null) return usage(`say the language with --lang (${exercise.languages.join(', ')}): ${args.file} does not tell`);
  const result = await service['exercises:check']({ lab: exercise.lab, exercise: exercise.id, lang, code: bytes.toString('utf8') });
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printResult(result);
  return result.passed ? 0 : EXIT_NOT_PASSED;
}

export async function exercisesCommand({ service, dataDir, log, json, usage }: ExercisesCommandDeps, argv: string[]): Promise<number> {
  const words = argv.filter((a) => a !== '--json');
  const [verb, ...rest] = words[0] === 'install' || words[0] === 'remove' || words[0] === 'list' ? words : ['list', ...words];
  if (verb === 'install' || verb === 'remove') {
    if (rest.length !== 2) return usage(`exercises ${verb} takes LAB and ${verb === 'install' ? 'FOLDER' : 'ID'}`);
    const [lab, what] = rest as [string, string];
    await service['exercises:list'](lab); // LAB_NOT_FOUND for a lab this computer does not have
    const store = new ExerciseStore(dataDir, log);
    if (verb === 'install') {
      const ex = await store.install(lab, what);
      const hidden = ex.tests.filter((t) => t.hidden).length;
      if (json) process.stdout.write(`${JSON.stringify({ lab, id: ex.id, tests: ex.tests.length, hiddenTests: hidden })}\n`);
      else process.stdout.write(`Installed ${lab}/${ex.id} (${ex.title}): ${ex.tests.length} tests, ${hidden} hidden.\n`);
      return 0;
    }
    const removed = await store.remove(lab, what);
    if (!removed) throw new LabError('NOT_FOUND', `There is no exercise ${what} for ${lab} on this computer.`);
    if (!json) process.stdout.write(`Removed ${lab}/${what}.\n`);
    return 0;
  }
  if (rest.length > 1) return usage(`unexpected argument ${rest[1]}`);
  const labs = rest.length === 1 ? [rest[0]!] : (await service['labs:list']()).labs.map((l) => l.id);
  const all: ExerciseSummary[] = [];
  for (const lab of labs) all.push(...(await service['exercises:list'](lab)));
  if (json) process.stdout.write(`${JSON.stringify(all)}\n`);
  else if (all.length === 0) process.stdout.write('No exercises are installed on this computer (an instructor installs them: classlab exercises install).\n');
  else
    for (const e of all)
      process.stdout.write(`${e.lab}/${e.id}\t${e.title}\t${e.languages.join(',')}\t${e.tests} tests (${e.hiddenTests} hidden), ${e.points} points\n`);
  return 0;
}
