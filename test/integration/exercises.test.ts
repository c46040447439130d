// Exercises on the real engine (issue #14): installed by the instructor's command (`classlab exercises
// install`, with the admin PIN) into this test's own data folder, then checked — through the core's
// methods and `classlab check --json` — with visible and hidden tests: a wrong answer, the right answer
// with trailing spaces, numbers within the tolerance and outside it, a test's own time limit, a compile
// error said once. A hidden test's input and expected output never leave the host: not in any result, and
// a search of the whole file system of the student's running lab (grep -r as root, and as the student)
// finds neither. Every run leaves nothing behind.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../electron/api/contract';
import { docker, execIn, REPO, removeNamespace, testCatalog, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clex');
const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-exercises-'));
const folders = mkdtempSync(path.join(os.tmpdir(), 'classlab-exercise-src-'));
const PIN = 'ex-4826';
// Unique to this run, so a search of the lab finds it only if it leaked.
const SECRET_NAME = `Zq${randomBytes(8).toString('hex')}`;
const HIDDEN_IN = `${SECRET_NAME}\n`;
const HIDDEN_OUT = `Hello, ${SECRET_NAME}!`;
let catalogDir = '';
let core: Awaited<ReturnType<typeof testCore>>;

function exerciseFolder(id: string, spec: unknown, statement: string): string {
  const dir = path.join(folders, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'exercise.json'), JSON.stringify(spec, null, 2));
  writeFileSync(path.join(dir, 'statement.md'), statement);
  return dir;
}

function cli(args: string[], pin: string | null = PIN): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: `${ns}-cli`, CLASSLAB_CATALOG: catalogDir };
  delete env.CLASSLAB_ADMIN_PIN;
  if (pin !== null) env.CLASSLAB_ADMIN_PIN = pin;
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO, 'node_modules', '.bin', 'tsx'), [path.join(REPO, 'electron', 'cli.ts'), ...args], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** The code lab: it has Python too, and gcc for the C half of each exercise (the python lab has no compiler). */
const LAB = 'code';
const runContainers = () => docker.listContainers({ all: true, filters: { label: ['classlab.role=quick-run', `classlab.instance=${ns}`] } });
const check = (exercise: string, lang: 'python' | 'c', code: string): Promise<CheckResult> =>
  core.service['exercises:check']({ lab: LAB, exercise, lang, code });
const verdicts = (r: CheckResult) => r.tests.map((t) => t.verdict);

beforeAll(async () => {
  catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    { id: LAB, title: 'Programming lab', image: 'classlab/code:1', build: { context: 'code', base: 'python' } },
  ]);
  const greet = exerciseFolder(
    'greet',
    {
      format: 1,
      title: 'Greet',
      languages: ['python', 'c'],
      starter: { python: 'name = input()\n' },
      compare: 'trailing-whitespace',
      tests: [
        { name: 'Ada', stdin: 'Ada\n', expected: 'Hello, Ada!\n' },
        { stdin: HIDDEN_IN, expected: `${HIDDEN_OUT}\n`, hidden: true, points: 2 },
      ],
    },
    '# Greet\n\nRead a **name** and print `Hello, NAME!`.\n',
  );
  const mean = exerciseFolder(
    'mean',
    {
      format: 1,
      title: 'Mean',
      languages: ['python', 'c'],
      compare: 'numbers',
      tolerance: { absolute: 0.001 },
      tests: [
        { name: 'three', stdin: '1 2 4\n', expected: 'mean 2.333333\n' },
        { stdin: '10 20 30 45\n', expected: 'mean 26.25\n', hidden: true },
        { name: 'fast', stdin: '5\n', expected: 'mean 5\n', timeSeconds: 1 },
      ],
    },
    '# Mean\n\nPrint the mean of the numbers on stdin.\n',
  );
  // The instructor's command, as they would type it (an admin command: the PIN comes from the environment).
  for (const dir of [greet, mean]) {
    const r = await cli(['exercises', 'install', LAB, dir]);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Installed code\/(greet|mean)/);
  }
  // The instructor's folder is gone afterwards: the installed copy is what counts.
  rmSync(folders, { recursive: true, force: true });
  core = await testCore(ns, { catalogDir, dataDir: home, runLimits: { cpuSeconds: 3, wallSeconds: 10 } });
}, 300_000);
afterEach(async () => {
  expect(await runContainers()).toEqual([]);
});
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
  await removeNamespace(`${ns}-cli`);
  rmSync(home, { recursive: true, force: true });
}, 180_000);

describe('exercises on the real engine', () => {
  it('lists them and shows the visible tests only', async () => {
    const list = await core.service['exercises:list'](LAB);
    expect(list.map((e) => [e.id, e.tests, e.hiddenTests, e.points])).toEqual([
      ['greet', 2, 1, 3],
      ['mean', 3, 1, 3],
    ]);
    const view = await core.service['exercises:get'](LAB, 'greet');
    expect(view.visibleTests.map((t) => t.number)).toEqual([1]);
    expect(view.statement).toMatch(/^# Greet/);
    expect(JSON.stringify(view)).not.toContain(SECRET_NAME);
    await expect(core.service['exercises:get'](LAB, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a wrong answer: the visible test shows its output, the hidden one only "wrong answer"', async () => {
    const r = await check('greet', 'python', 'name = input()\nprint(f"Hi, {name}")\n');
    expect(verdicts(r)).toEqual(['wrong-answer', 'wrong-answer']);
    expect(r.tests[0]!.stdout).toBe('Hi, Ada\n');
    expect(r.tests[1]).toMatchObject({ hidden: true, name: null, stdout: null, stderr: null, points: 0, maxPoints: 2 });
    expect([r.passed, r.points, r.maxPoints]).toEqual([false, 0, 3]);
    expect(JSON.stringify(r)).not.toContain(SECRET_NAME);
  });

  it('a program that prints its hidden input: nothing of it comes back', async () => {
    const r = await check('greet', 'python', 'import sys\nname = input()\nprint("Hello, " + name + "!")\nprint(name, file=sys.stderr)\nraise SystemExit(3)\n');
    expect(verdicts(r)).toEqual(['runtime-error', 'runtime-error']);
    expect(r.tests[0]!.stderr).toContain('Ada');
    expect(JSON.stringify(r)).not.toContain(SECRET_NAME);
  });

  it('the right answer with trailing spaces passes (trailing-whitespace), in Python and in C', async () => {
    const py = await check('greet', 'python', 'name = input()\nprint("Hello, " + name + "!   \\t")\nprint()\n');
    expect(verdicts(py)).toEqual(['accepted', 'accepted']);
    expect([py.passed, py.points]).toEqual([true, 3]);
    const c = await check(
      'greet',
      'c',
      '#include <stdio.h>\nint main(void) { char n[128]; if (scanf("%127s", n) != 1) return 1; printf("Hello, %s!  \\n", n); return 0; }\n',
    );
    expect(verdicts(c)).toEqual(['accepted', 'accepted']);
  });

  it('numbers within the tolerance pass, outside it fail; a test over its own time limit is a time limit', async () => {
    const close = 'xs = [float(w) for w in input().split()]\nprint("mean", round(sum(xs) / len(xs), 4))\n';
    expect(verdicts(await check('mean', 'python', close))).toEqual(['accepted', 'accepted', 'accepted']);
    const coarse = 'xs = [float(w) for w in input().split()]\nprint("mean", round(sum(xs) / len(xs), 1))\n';
    // 2.3 is 0.033 from 2.333333; 26.2 is 0.05 from 26.25; 5.0 is 5.
    expect(verdicts(await check('mean', 'python', coarse))).toEqual(['wrong-answer', 'wrong-answer', 'accepted']);
    const slowOnOne = `${close}import time\nif len(xs) == 1:\n    while True: pass\n`;
    const slow = await check('mean', 'python', slowOnOne);
    expect(verdicts(slow)).toEqual(['accepted', 'accepted', 'time-limit']);
    // Its 1 s of CPU time, or (on a machine loaded enough that 1 s of CPU takes longer) its wall time.
    expect(slow.tests[2]!.note).toMatch(/1 s of CPU time|wall time/);
  });

  it('a compile error is said once, with the compiler message, and no test runs past the first', async () => {
    const r = await check('mean', 'c', 'int main(void) { return 0 }\n');
    expect(verdicts(r)).toEqual(['compile-error', 'compile-error', 'compile-error']);
    expect(r.compileOutput).toMatch(/main\.c:1:\d+: error/);
    expect(r.tests.map((t) => t.ran)).toEqual([true, false, false]);
  });

  it('classlab check --json: the same result, exit 20 when a test did not pass and 0 when all did', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'classlab-check-'));
    try {
      writeFileSync(path.join(work, 'wrong.py'), 'print("Hello, nobody!")\n');
      writeFileSync(path.join(work, 'right.py'), 'print(f"Hello, {input()}!")\n');
      const wrong = await cli(['check', `${LAB}/greet`, path.join(work, 'wrong.py'), '--json']);
      expect(wrong.code).toBe(20);
      const parsed = JSON.parse(wrong.out) as CheckResult;
      expect(verdicts(parsed)).toEqual(['wrong-answer', 'wrong-answer']);
      expect(wrong.out + wrong.err).not.toContain(SECRET_NAME);
      const right = await cli(['check', 'greet', path.join(work, 'right.py')]);
      expect(right.err).toBe('');
      expect(right.out).toBe('test 1 (Ada): passed\ntest 2 [hidden]: passed\npassed: 3 of 3 points\n');
      expect(right.code).toBe(0);
      // Installing and removing are the instructor's: without the admin PIN, exit 12 and nothing changes.
      const locked = await cli(['exercises', 'remove', LAB, 'greet'], null);
      expect(locked.code).toBe(12);
      expect((await core.service['exercises:list'](LAB)).map((e) => e.id)).toEqual(['greet', 'mean']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("a search of the student's whole running lab finds no hidden test's input or expected output", async () => {
    await core.service['labs:open'](LAB);
    // The student's course sync, files and runs were all there to be had: the lab has run a check too.
    await check('greet', 'python', 'print(f"Hello, {input()}!")\n');
    const container = `${ns}-${LAB}`;
    // /proc holds grep's own command line (the pattern); /sys and /dev are the kernel's.
    const search = (user: string) =>
      execIn(container, ['grep', '-r', '-l', '-a', '-F', '-e', SECRET_NAME, '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', '/'], user);
    for (const user of ['0:0', '1000:1000']) {
      const found = await search(user);
      // grep: 1 = searched, nothing found (2 with unreadable files, as the capability-less root meets some);
      // whatever the code, no file may be named.
      expect(found.out.split('\n').filter((l) => l.startsWith('/'))).toEqual([]);
      expect([1, 2]).toContain(found.code);
    }
    // The search itself works: a string the lab has is found.
    const control = await execIn(
      container,
      ['grep', '-r', '-l', '-F', '-e', 'def input', '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', '/usr/lib/python3'],
      '0:0',
    );
    expect(control.out).not.toBe('');
    await core.service['labs:stop'](LAB);
  }, 600_000);
});
