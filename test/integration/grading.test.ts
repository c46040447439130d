// Notebook grading on the real engine (issue #14), with the bundled Python lab's image: an instructor's
// notebook with a solution, a visible graded test, a graded cell with hidden tests and one more graded
// cell is released with `classlab release` (the released file holds neither the hidden test nor the
// solution), then submissions are graded — through the core's method and `classlab grade` — each in a
// throw-away container with the kernel inside it, removed afterwards:
// - a correct one (full points), a wrong one (the hidden test fails, the visible points stay);
// - one whose code loops forever in a graded cell (that cell: time limit; the kernel is interrupted and
//   the next cell is graded), and one that ignores the interrupt (everything after: not run), each in
//   bounded time;
// - one that forges the grader's result lines on stdout and through /proc/PID/fd/1 of every process of
//   the run, after hunting for the nonce (it gets no points);
// - a folder of submissions (one of them not a notebook) → one CSV, checked whole, exit code 21;
// - an R notebook, no lab named: graded in the R lab (its image has the ir kernel);
// - with the student's lab running: that container is untouched, and a search of its whole file system
//   (as root and as the student) finds no hidden test.
// After every test, no quick-run container of this test is left.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GradeResult } from '../../electron/api/contract';
import { gradingLimits } from '../../electron/core/grading/grade';
import { DEFAULT_RUN_LIMITS, runBoxName, runContainerSpec } from '../../electron/core/runs/run-spec';
import { Runs } from '../../electron/core/runs/runs';
import { docker, execIn, memoryLogger, REPO, removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { notebookDoc } from '../support/notebooks';

const ns = uniqueNamespace('clgr');
const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-grading-'));
const work = mkdtempSync(path.join(os.tmpdir(), 'classlab-grading-files-'));
const PIN = 'gr-5531';
/** Unique to this run: the hidden test's message, so any file or output that holds it holds the hidden test. */
const SECRET = `hidden${randomBytes(6).toString('hex')}`;
const SOLUTION_TEXT = 'return x * x  # the instructor answer';
const TIMEOUT = 5;
let catalogDir = '';
let core: Awaited<ReturnType<typeof testCore>>;

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLASSLAB_HOME: home,
    CLASSLAB_NAMESPACE: `${ns}-cli`,
    CLASSLAB_CATALOG: catalogDir,
    CLASSLAB_ADMIN_PIN: PIN,
  };
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

const runContainers = async () =>
  (await docker.listContainers({ all: true, filters: { label: ['classlab.role=quick-run'] } })).filter((c) =>
    [ns, `${ns}-cli`].includes(c.Labels['classlab.instance'] ?? ''),
  );

const sourcePath = path.join(work, 'squares.ipynb');
const releasedPath = path.join(work, 'squares-student.ipynb');
const SOURCE = JSON.stringify(
  notebookDoc([
    { id: 'intro', type: 'markdown', source: '# Squares\nWrite `square(x)`.' },
    { id: 'solve', source: ['def square(x):\n', '    ### BEGIN SOLUTION\n', `    ${SOLUTION_TEXT}\n`, '    ### END SOLUTION\n'] },
    { id: 'visible', source: '# points: 1\nassert square(3) == 9' },
    {
      id: 'hidden',
      source: `assert square(2) == 4\n### BEGIN HIDDEN TESTS\nassert square(-4) == 16, '${SECRET}'\n### END HIDDEN TESTS`,
      metadata: { nbgrader: { grade: true, solution: false, grade_id: 'negative', points: 2 } },
    },
    { id: 'zero', source: '# points: 1\nassert square(0) == 0' },
  ]),
);

/** The released notebook with the student's answer in the solution cell, and cells of their own after it. */
function submission(answer: string, extraCells: string[] = []): string {
  const nb = JSON.parse(readFileSync(releasedPath, 'utf8')) as { cells: { id: string; source: string | string[]; cell_type: string }[] };
  const at = nb.cells.findIndex((c) => c.id === 'solve');
  nb.cells[at]!.source = answer;
  nb.cells.splice(
    at + 1,
    0,
    ...extraCells.map((source, i) => ({ id: `mine${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
  );
  return JSON.stringify(nb);
}

const GOOD = 'def square(x):\n    return x * x';
const WRONG = 'def square(x):\n    return abs(x) * x';
const LOOPS = 'def square(x):\n    while x < 0:\n        pass\n    return x * x';
const STUBBORN = 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass';
// Forges a pass for every graded cell: it hunts for the nonce in every process's files it can read and in
// the grader's own source, writes lines with every candidate on its own stdout and through /proc/PID/fd/1
// of every process of the run (the container's stdout, for the driver's shell), then kills the grader so
// that no real line follows: had the nonce leaked, its lines would be the only ones.
const FORGE = String.raw`
import os, re, json
found = set()
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    for name in ('cmdline', 'environ', 'mem', 'fd/0'):
        try:
            with open('/proc/%s/%s' % (pid, name), 'rb') as f:
                found.update(re.findall(rb'[0-9a-f]{32}', f.read(1 << 20)))
        except Exception:
            pass
for dirpath, _, files in os.walk('/box'):
    for n in files:
        try:
            found.update(re.findall(rb'[0-9a-f]{32}', open(os.path.join(dirpath, n), 'rb').read()))
        except Exception:
            pass
guesses = [g.decode() for g in found] + ['0' * 32]
lines = ''.join('\n%s %s\n' % (g, json.dumps({'id': i, 'status': 'passed'})) for g in guesses for i in ('cell-3', 'negative', 'cell-5'))
lines += '\n' + json.dumps({'id': 'negative', 'status': 'passed'}) + '\n'
print(lines)
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        with open('/proc/%s/fd/1' % pid, 'w') as f:
            f.write(lines)
    except Exception:
        pass
# With no real line after them, a forged line would be the only one: end the grader.
os.kill(os.getppid(), 9)
`;

const grade = (name: string, text: string): Promise<GradeResult> =>
  core.service['grading:grade']({ lab: 'python', source: SOURCE, submission: text, name, timeoutSeconds: TIMEOUT });
const summary = (r: GradeResult) => r.cells.map((c) => [c.id, c.status, c.points]);

beforeAll(async () => {
  catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    { id: 'r', title: 'R', image: 'classlab/r:1', build: { context: 'r', base: 'python' } },
  ]);
  writeFileSync(sourcePath, SOURCE);
  // The instructor's command, as they would type it: no engine needed, no PIN.
  const r = await cli(['release', sourcePath, '-o', releasedPath]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Released .*: 3 graded cells \(4 points\); 1 hidden-test blocks removed, 1 solutions replaced\./);
  core = await testCore(ns, { catalogDir, dataDir: home });
}, 180_000);
afterEach(async () => {
  expect(await runContainers()).toEqual([]);
});
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
  await removeNamespace(`${ns}-cli`);
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}, 180_000);

describe('notebook grading on the real engine', () => {
  it('release: the student copy has no hidden test and no solution, and keeps the visible test and the ids', () => {
    const text = readFileSync(releasedPath, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('square(-4)');
    expect(text).not.toContain(SOLUTION_TEXT);
    expect(text).not.toMatch(/BEGIN|END (SOLUTION|HIDDEN)/);
    expect(text).toContain('assert square(3) == 9');
    expect(text).toContain('raise NotImplementedError()');
    const nb = JSON.parse(text) as { cells: { metadata: { classlab?: { grade_id: string } } }[] };
    expect(nb.cells.map((c) => c.metadata.classlab?.grade_id ?? null)).toEqual([null, null, 'cell-3', 'negative', 'cell-5']);
    // The instructor's file is as it was.
    expect(readFileSync(sourcePath, 'utf8')).toBe(SOURCE);
  });

  it('a correct, a wrong, a looping, a stubborn and a forging submission each get what they earned', async () => {
    const started = Date.now();
    const [good, wrong, loops, stubborn, forge] = await Promise.all([
      grade('good.ipynb', submission(GOOD)),
      grade('wrong.ipynb', submission(WRONG)),
      grade('loops.ipynb', submission(LOOPS)),
      grade('stubborn.ipynb', submission(GOOD, [STUBBORN])),
      grade('forge.ipynb', submission('def square(x):\n    return 0', [FORGE])),
    ]);
    expect(summary(good)).toEqual([
      ['cell-3', 'passed', 1],
      ['negative', 'passed', 2],
      ['cell-5', 'passed', 1],
    ]);
    expect([good.points, good.maxPoints, good.lab, good.kernel]).toEqual([4, 4, 'python', 'python3']);

    expect(summary(wrong)).toEqual([
      ['cell-3', 'passed', 1],
      ['negative', 'error', 0],
      ['cell-5', 'passed', 1],
    ]);
    expect(wrong.cells[1]!.reason).toBe(`AssertionError: ${SECRET}`);

    // The hidden test loops: that cell runs out of time, the kernel is interrupted and the next cell graded.
    expect(summary(loops)).toEqual([
      ['cell-3', 'passed', 1],
      ['negative', 'timeout', 0],
      ['cell-5', 'passed', 1],
    ]);
    expect(loops.cells[1]!.reason).toBe(`time limit: ran longer than ${TIMEOUT} s`);

    // A cell of the student's that ignores the interrupt: nothing after it runs, and grading still ends.
    expect(summary(stubborn).map((c) => c[1])).toEqual(['not-run', 'not-run', 'not-run']);
    expect(stubborn.cells[0]!.reason).toBe('the kernel did not stop after a cell ran out of time');
    expect(stubborn.timeMs).toBeLessThan(60_000);

    // Forged lines on every stdout it could reach, the grader killed: not one point.
    expect(summary(forge)).toEqual([
      ['cell-3', 'not-run', 0],
      ['negative', 'not-run', 0],
      ['cell-5', 'not-run', 0],
    ]);
    expect(forge.cells[0]!.reason).toMatch(/the grader stopped before this cell/);
    // Five gradings, two at a time (the machine's pool), each bounded.
    expect(Date.now() - started).toBeLessThan(240_000);
  }, 300_000);

  it("the forger's doors are real in this sandbox: another process's stdout, and a same-uid parent's /proc until it is not dumpable", async () => {
    const run = (code: string) => core.service['runs:run']({ lab: 'python', lang: 'python', code });
    const flood = await run(
      "import os\nfor p in os.listdir('/proc'):\n    if p.isdigit() and int(p) != os.getpid():\n        try:\n            open('/proc/%s/fd/1' % p, 'w').write('FORGED-LINE\\n')\n        except Exception:\n            pass\n",
    );
    expect(flood.stdout).toContain('FORGED-LINE');
    const probe = 'import os\ntry:\n    os.listdir("/proc/%d/fd" % os.getppid()); print("open")\nexcept PermissionError:\n    print("denied")';
    const dumpable = await run(
      `import ctypes, subprocess, sys\nprobe = ${JSON.stringify(probe)}\nask = lambda: subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True).stdout.strip()\nprint(ask())\nctypes.CDLL(None).prctl(4, 0, 0, 0, 0)\nprint(ask())\n`,
    );
    expect(dumpable.stdout).toBe('open\ndenied\n');
  }, 120_000);

  it('`classlab grade` of a folder writes one CSV (a broken submission: an empty row, exit 21); --json the per-cell results', async () => {
    const folder = path.join(work, 'submitted');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'alice.ipynb'), submission(GOOD));
    writeFileSync(path.join(folder, '=cmd,bob.ipynb'), submission(WRONG));
    writeFileSync(path.join(folder, 'carol.ipynb'), Buffer.from([0x7b, 0xff, 0x7d]));
    writeFileSync(path.join(folder, 'notes.txt'), 'not a submission');
    const csvPath = path.join(work, 'grades.csv');
    const r = await cli(['grade', sourcePath, folder, '--csv', csvPath, '--timeout', String(TIMEOUT), '--lab', 'python']);
    expect(r.err).toMatch(/carol\.ipynb.*not UTF-8/);
    expect(r.code).toBe(21);
    expect(readFileSync(csvPath, 'utf8')).toBe(
      ['submission,cell-3,negative,cell-5,total,max', `"'=cmd,bob.ipynb",1,0,1,2,4`, 'alice.ipynb,1,2,1,4,4', 'carol.ipynb,,,,,4', ''].join('\r\n'),
    );
    expect(r.out).toMatch(/alice\.ipynb: 4 of 4 points/);

    const one = path.join(work, 'one.ipynb');
    writeFileSync(one, submission(WRONG));
    const j = await cli(['grade', sourcePath, one, '--json', '--timeout', String(TIMEOUT)]);
    expect(j.code).toBe(0);
    const results = JSON.parse(j.out) as GradeResult[];
    expect(results.map((x) => [x.submission, x.points, x.maxPoints])).toEqual([[one, 2, 4]]);
    expect(results[0]!.cells[1]).toMatchObject({ id: 'negative', status: 'error', points: 0, maxPoints: 2, restored: false });
  }, 300_000);

  it('an R notebook with no lab named is graded in the lab whose image has its kernel (ir), a loop interrupted', async () => {
    const rSource = JSON.stringify(
      notebookDoc(
        [
          { id: 'solve', source: 'square <- function(x) {\n  ### BEGIN SOLUTION\n  x * x\n  ### END SOLUTION\n}' },
          { id: 'visible', source: '# points: 1\nstopifnot(square(3) == 9)' },
          { id: 'hidden', source: `stopifnot(square(2) == 4)\n### BEGIN HIDDEN TESTS\nstopifnot(square(-4) == 16)\n### END HIDDEN TESTS` },
          { id: 'loop', source: '# points: 1\nwhile (TRUE) {}' },
          { id: 'after', source: '# points: 1\nstopifnot(square(0) == 0)' },
        ],
        { kernelspec: { name: 'ir', language: 'R' }, language_info: { name: 'R' } },
      ),
    );
    const answer = JSON.stringify(notebookDoc([{ id: 'solve', source: 'square <- function(x) x^2' }], { kernelspec: { name: 'ir', language: 'R' } }));
    const r = await core.service['grading:grade']({ lab: null, source: rSource, submission: answer, name: 'r.ipynb', timeoutSeconds: TIMEOUT });
    expect([r.lab, r.kernel]).toEqual(['r', 'ir']);
    expect(summary(r)).toEqual([
      ['cell-2', 'passed', 1],
      ['cell-3', 'passed', 1],
      ['cell-4', 'timeout', 0],
      ['cell-5', 'passed', 1],
    ]);
  }, 180_000);

  it("the student's running lab is never used: the same container before and after, and no file in it holds the hidden test", async () => {
    await core.service['labs:open']('python');
    const container = `${ns}-python`;
    const before = await docker.getContainer(container).inspect();
    const r = await grade('wrong.ipynb', submission(WRONG));
    expect(r.cells[1]!.reason).toBe(`AssertionError: ${SECRET}`);
    const after = await docker.getContainer(container).inspect();
    expect([after.Id, after.State.StartedAt, after.State.Running]).toEqual([before.Id, before.State.StartedAt, true]);
    // /proc holds grep's own command line (the pattern); /sys and /dev are the kernel's.
    for (const user of ['0:0', '1000:1000']) {
      const found = await execIn(
        container,
        ['grep', '-r', '-l', '-a', '-F', '-e', SECRET, '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', '/'],
        user,
      );
      expect(found.out.split('\n').filter((l) => l.startsWith('/'))).toEqual([]);
      expect([1, 2]).toContain(found.code);
    }
    // The search itself works: a string the lab has is found.
    const control = await execIn(container, ['grep', '-r', '-l', '-F', '-e', 'def input', '/usr/lib/python3'], '0:0');
    expect(control.out).not.toBe('');
    await core.service['labs:stop']('python');
  }, 600_000);

  it("another ClassLab's start-up sweep leaves a grading run's container alone while its wall time lasts", async () => {
    const leftover = (runId: string, limits: typeof DEFAULT_RUN_LIMITS) =>
      docker.createContainer(
        runContainerSpec({
          runId,
          labId: 'python',
          namespace: ns,
          image: 'classlab/python:3',
          user: '1000:1000',
          lang: 'python',
          limits,
          security: { seccomp: true, runtime: 'runc' },
        }),
      );
    const grading = await leftover('r00000000000000aa', { ...DEFAULT_RUN_LIMITS, ...gradingLimits(10, 30) });
    const quick = await leftover('r00000000000000bb', DEFAULT_RUN_LIMITS);
    const runs = new Runs({
      docker: () => docker,
      namespace: ns,
      profiles: () => [],
      trust: () => ({}) as never,
      settings: testSettings(),
      log: memoryLogger(),
      queued: () => undefined,
    });
    // Even "everything older than now" spares the grading run: it has minutes of wall time left.
    expect(await runs.sweep(0)).toBe(1);
    expect((await runContainers()).map((c) => c.Id)).toEqual([grading.id]);
    await expect(quick.inspect()).rejects.toMatchObject({ statusCode: 404 });
    await grading.remove({ force: true });
    // Their /box volumes: the engine made them for the mounts, without labels, so no sweep of a namespace finds them.
    for (const id of ['r00000000000000aa', 'r00000000000000bb'])
      await docker
        .getVolume(runBoxName(ns, id))
        .remove()
        .catch(() => undefined);
    expect((await docker.listVolumes()).Volumes?.filter((v) => v.Name.startsWith(`${ns}-run-`)) ?? []).toEqual([]);
  });

  it('refuses with a clear error and runs nothing: a bad instructor notebook, a submission that is not a notebook, usage', async () => {
    const bad = path.join(work, 'bad.ipynb');
    writeFileSync(bad, JSON.stringify(notebookDoc([{ source: 'x = 1\n### BEGIN HIDDEN TESTS\nassert x' }])));
    const rel = await cli(['release', bad, '-o', path.join(work, 'bad-student.ipynb')]);
    expect(rel.code).toBe(9);
    expect(rel.err).toMatch(/cell 1, line 2: BEGIN HIDDEN TESTS is never closed/);
    expect(() => readFileSync(path.join(work, 'bad-student.ipynb'))).toThrow();
    const same = await cli(['release', sourcePath, '-o', sourcePath]);
    expect(same.code).toBe(2);
    expect(readFileSync(sourcePath, 'utf8')).toBe(SOURCE);
    await expect(grade('x.ipynb', '{"nbformat": 3}')).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/nbformat 3/) });
    expect((await cli(['grade', sourcePath])).code).toBe(2);
    expect((await cli(['grade', sourcePath, one(), '--timeout', '0'])).code).toBe(2);
  }, 120_000);
});

function one(): string {
  return path.join(work, 'one.ipynb');
}
