// `classlab release` and `classlab grade`: nbgrader-style notebooks (core/grading). Release reads the
// instructor's notebook and writes the student's copy (no engine, no core: a plain command); grade runs
// each submission with the hidden tests put back, in a throw-away container per submission (an admin
// command: the instructor's notebook holds the hidden tests). Exit codes (README "Grading notebooks"):
// 0 released / every submission graded (whatever its points); 2 usage; 21 some submission could not be
// graded (each is named on stderr, its CSV row left empty); a refused instructor's notebook exits with
// REFUSED's code (9); an engine or lab problem with its own code (3, 4, 5, 6, 8).
import { randomBytes } from 'node:crypto';
import { readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GradeResult } from './api/contract';
import { LAB_ID } from './api/contract';
import { LabError, toApiError } from './api/errors';
import { readText } from './core/exercises/store';
import { gradesCsv, type CsvRow } from './core/grading/csv';
import { printable } from './core/grading/grade';
import { gradedCellsOf } from './core/grading/graded-cells';
import { kernelOf, MAX_NOTEBOOK_BYTES, parseNotebook } from './core/grading/notebook';
import { releaseNotebook } from './core/grading/release';
import type { CoreService } from './core/types';

export const GRADE_USAGE = `  release SOURCE.ipynb -o STUDENT.ipynb [--json]
                          Write the student's copy of an instructor's notebook: hidden tests removed,
                          solutions replaced by a stub, outputs cleared, graded cells given their ids
  grade SOURCE.ipynb SUBMISSION.ipynb|FOLDER... [--lab LAB] [--csv OUT.csv] [--json] [--timeout SECONDS]
                          Grade submissions (a FOLDER: its .ipynb files) with the hidden tests put back,
                          each cell with a time limit (default 30 s), in a throw-away container from
                          LAB's image (admin); --csv writes one row per submission; exits 0 when every
                          submission was graded, 21 when some could not be`;

/** Some submission could not be graded (unreadable, not a notebook); the others were. */
export const EXIT_NOT_GRADED = 21;
/** Submissions graded at once (the machine's run pool decides how many run). */
const SUBMISSIONS_AT_ONCE = 2;

type Usage = (why: string) => number;

/** A notebook file's text, as release and grade read them: a regular file, capped, UTF-8. */
async function readNotebookText(file: string, what: string): Promise<string> {
  try {
    return await readText(file, MAX_NOTEBOOK_BYTES);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ERR_ENCODING_INVALID_ENCODED_DATA'
        ? 'it is not UTF-8 text (a notebook is JSON in UTF-8)'
        : e.code === 'ELOOP'
          ? 'it is a link; name the file itself'
          : e.code === 'ENOENT'
            ? 'there is no such file'
            : e.message;
    throw new LabError('REFUSED', `${what.charAt(0).toUpperCase()}${what.slice(1)} (${file}) cannot be read: ${why}.`);
  }
}

/** Writes through a temporary file and a rename: a file that is there is whole. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx', mode: 0o644 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const real = (p: string) => realpath(p).catch(() => path.resolve(p));
  return (await real(a)) === (await real(b));
}

export async function releaseCommand(argv: string[], usage: Usage): Promise<number> {
  let output: string | null = null;
  let json = false;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '-o' || a === '--output') {
      const v = argv[++i];
      if (!v || v.startsWith('-')) return usage(`${a} takes a file name`);
      output = v;
    } else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 1 || output === null) return usage("release takes the instructor's notebook and -o: release SOURCE.ipynb -o STUDENT.ipynb");
  const source = positional[0]!;
  if (await sameFile(source, output)) return usage("the student's copy cannot replace the instructor's notebook: give -o another file");
  const released = releaseNotebook(parseNotebook(await readNotebookText(source, "the instructor's notebook"), "the instructor's notebook"));
  await writeWhole(output, released.text);
  const points = released.graded.reduce((n, g) => n + g.points, 0);
  if (json) {
    const cells = released.graded.map((g) => ({ id: g.id, cell: g.index + 1, points: g.points }));
    process.stdout.write(`${JSON.stringify({ output, graded: cells, hiddenBlocks: released.hiddenBlocks, solutionBlocks: released.solutionBlocks })}\n`);
  } else {
    process.stdout.write(
      `Released ${output}: ${released.graded.length} graded cells (${points} points); ${released.hiddenBlocks} hidden-test blocks removed, ${released.solutionBlocks} solutions replaced.\n`,
    );
    if (released.graded.length === 0)
      process.stderr.write('classlab: warning: no cell is graded (nbgrader metadata, a hidden-tests block, or a # points: N line)\n');
  }
  return 0;
}

interface GradeArgs {
  source: string;
  targets: string[];
  lab: string | null;
  csv: string | null;
  json: boolean;
  timeoutSeconds: number | undefined;
}

export function parseGradeArgs(argv: string[]): GradeArgs | string {
  const positional: string[] = [];
  const out: Omit<GradeArgs, 'source' | 'targets'> = { lab: null, csv: null, json: false, timeoutSeconds: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') {
      out.json = true;
      continue;
    }
    if (a === '--lab' || a === '--csv' || a === '--timeout') {
      const v = argv[++i];
      if (!v || v.startsWith('-')) return `${a} takes a value`;
      if (a === '--lab') {
        if (!LAB_ID.safeParse(v).success) return `${v} is not a lab id (see \`classlab list\`)`;
        out.lab = v;
      } else if (a === '--csv') out.csv = v;
      else {
        if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > 600) return '--timeout takes whole seconds from 1 to 600';
        out.timeoutSeconds = Number(v);
      }
      continue;
    }
    if (a.startsWith('-')) return `unknown option ${a}`;
    positional.push(a);
  }
  if (positional.length < 2) return "grade takes the instructor's notebook and at least one submission: grade SOURCE.ipynb SUBMISSION.ipynb|FOLDER...";
  return { ...out, source: positional[0]!, targets: positional.slice(1) };
}

interface Submission {
  file: string;
  /** What results and the CSV call it: a folder's file by its name in the folder, a file as it was given. */
  name: string;
}

/** The submissions named: files as given, and each folder's .ipynb files (regular files, not links), by name. */
async function submissionsOf(targets: string[], skip: string[]): Promise<Submission[] | string> {
  const found: Submission[] = [];
  for (const target of targets) {
    let entries;
    try {
      entries = await readdir(target, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
        found.push({ file: target, name: target });
        continue;
      }
      return `cannot read ${target}: ${(err as Error).message}`;
    }
    const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.') && /\.ipynb$/i.test(e.name)).map((e) => e.name);
    if (names.length === 0) return `${target} has no .ipynb files`;
    found.push(...names.sort().map((n) => ({ file: path.join(target, n), name: n })));
  }
  const out: Submission[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    const real = await realpath(f.file).catch(() => path.resolve(f.file));
    if (seen.has(real)) continue;
    seen.add(real);
    let skipped = false;
    for (const s of skip) if (await sameFile(s, f.file)) skipped = true;
    if (!skipped) out.push(f);
  }
  // Two folders with an alice.ipynb each: those are called by their paths.
  const count = new Map<string, number>();
  for (const f of out) count.set(f.name, (count.get(f.name) ?? 0) + 1);
  for (const f of out) if ((count.get(f.name) ?? 0) > 1) f.name = f.file;
  return out.length > 0 ? out : "no submission is left to grade (the instructor's notebook is not one)";
}

/** A submission's file name (a student's choice) printed on a terminal: no control or bidi characters. */
function shown(text: string): string {
  return printable(text, 4096);
}

function printResult(r: GradeResult): void {
  process.stdout.write(`${shown(r.submission)}: ${r.points} of ${r.maxPoints} points\n`);
  const width = Math.max(...r.cells.map((c) => c.id.length));
  for (const c of r.cells) {
    const facts = [
      c.id.padEnd(width),
      c.status.padEnd(7),
      `${c.points}/${c.maxPoints}`,
      c.reason ?? '',
      c.restored ? '(put back: the submission did not have it)' : '',
    ];
    process.stdout.write(`  ${facts.filter(Boolean).join('  ')}\n`);
  }
}

export async function gradeCommand(service: CoreService, argv: string[], usage: Usage): Promise<number> {
  const args = parseGradeArgs(argv);
  if (typeof args === 'string') return usage(args);
  // The instructor's notebook is read and checked before any submission is run.
  const sourceText = await readNotebookText(args.source, "the instructor's notebook");
  const sourceNb = parseNotebook(sourceText, "the instructor's notebook");
  const graded = gradedCellsOf(sourceNb);
  kernelOf(sourceNb);
  if (graded.length === 0) throw new LabError('REFUSED', "The instructor's notebook has no graded cells: nothing to grade.");
  const files = await submissionsOf(args.targets, [args.source, ...(args.csv ? [args.csv] : [])]);
  if (typeof files === 'string') return usage(files);

  const rows: CsvRow[] = files.map((f) => ({ submission: f.name, result: null }));
  const failed = new Map<string, string>();
  let fatal: unknown = null;
  let next = 0;
  const worker = async () => {
    while (next < files.length && fatal === null) {
      const i = next++;
      const { file, name } = files[i]!;
      if (!args.json) process.stderr.write(`grading ${shown(file)}…\n`);
      try {
        const submission = await readNotebookText(file, `submission ${name}`);
        const result = await service['grading:grade']({ lab: args.lab, source: sourceText, submission, name, timeoutSeconds: args.timeoutSeconds });
        rows[i] = { submission: name, result };
        if (!args.json) printResult(result);
      } catch (err) {
        // A submission that is not a notebook is that submission's problem; anything else (the engine,
        // the lab, the grader) would fail every submission alike: stop.
        const e = toApiError(err);
        if (e.code !== 'REFUSED') fatal ??= err;
        else {
          failed.set(name, e.message);
          process.stderr.write(`classlab: ${shown(e.message)}\n`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SUBMISSIONS_AT_ONCE, files.length) }, worker));
  if (fatal !== null) throw fatal;
  if (args.csv) {
    const max = graded.reduce((n, g) => n + g.points, 0);
    await writeWhole(
      args.csv,
      gradesCsv(
        graded.map((g) => g.id),
        max,
        rows,
      ),
    );
    if (!args.json) process.stderr.write(`wrote ${args.csv}: ${rows.length} submissions\n`);
  }
  if (args.json) {
    const out = rows.map((r) => r.result ?? { submission: r.submission, error: { code: 'REFUSED', message: failed.get(r.submission) ?? 'not graded' } });
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return failed.size > 0 ? EXIT_NOT_GRADED : 0;
}
