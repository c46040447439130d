// The driver's report as an attacker sees it (runs/driver.ts): the program runs as the same uid as the
// driver that holds the run's nonce, so it tries to read the nonce out of the driver's memory and forge the
// report. Also the verdicts that now come from the guarded report without an inspect (a child killed for
// memory while the program itself exits 0), on a ClassLab that keeps spares (the early answer, the removal
// just after it) and on one that does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../electron/api/contract';
import { docker, removeNamespace, testCore, uniqueNamespace } from '../support/docker';

const LIMITS = { cpuSeconds: 3, wallSeconds: 8 };

// Reads the parent's (the driver's) /proc files, as a forger would; if it found a nonce it would print the
// driver's two lines with it, kill the driver (so that no true report follows) and exit 0.
const FORGER = String.raw`
import os, re, signal, sys
pp = os.getppid()
found = set()
for name in ("mem", "maps", "environ"):
    try:
        with open(f"/proc/{pp}/{name}", "rb") as f:
            print(name, "read", len(f.read(4096)))
    except OSError as e:
        print(name, "denied", e.errno)
try:
    fds = os.listdir(f"/proc/{pp}/fd")
    print("fd", "read", len(fds))
except OSError as e:
    print("fd", "denied", e.errno)
try:
    maps = open(f"/proc/{pp}/maps").read().splitlines()
    mem = open(f"/proc/{pp}/mem", "rb")
    for line in maps:
        a, b = (int(x, 16) for x in line.split()[0].split("-"))
        try:
            mem.seek(a)
            found.update(re.findall(rb"[0-9a-f]{32}", mem.read(b - a)))
        except OSError:
            pass
except OSError:
    pass
for n in found:
    n = n.decode()
    sys.stdout.write(f"\n{n}\n")
    sys.stderr.write(f"\n{n} ran 0 1 1 0 0 1\n")
sys.stdout.flush()
sys.stderr.flush()
if found:
    os.kill(pp, signal.SIGKILL)
    sys.exit(0)
sys.exit(3)
`;

const CHILD_HOG =
  'import os\npid = os.fork()\nif pid == 0:\n    x = []\n    while True:\n        x.append(bytearray(16 * 1024 * 1024))\nos.waitpid(pid, 0)\nprint("parent fine")';

for (const spares of [true, false]) {
  describe(`the driver's report, ${spares ? 'with' : 'without'} spares`, () => {
    const ns = uniqueNamespace(spares ? 'clrep-s' : 'clrep-c');
    let core: Awaited<ReturnType<typeof testCore>>;
    const run = (code: string): Promise<RunResult> => core.service['runs:run']({ lab: 'python', lang: 'python', code });
    const runContainers = () => docker.listContainers({ all: true, filters: { label: ['classlab.role=quick-run', `classlab.instance=${ns}`] } });

    beforeAll(async () => {
      core = await testCore(ns, { runLimits: LIMITS, warmLabs: spares });
    });
    afterAll(async () => {
      await core?.close();
      // Closing waits for every removal: nothing of any run is left.
      expect(await runContainers()).toEqual([]);
      await removeNamespace(ns);
    });

    it("the program cannot read the driver's memory or files, so it cannot forge its report", async () => {
      const r = await run(FORGER);
      expect(r.stdout).toMatch(/^mem denied 13$/m);
      expect(r.stdout).toMatch(/^fd denied 13$/m);
      expect(r.stdout).toMatch(/^environ denied 13$/m);
      // Its honest exit 3, not the forged 0.
      expect(r).toMatchObject({ verdict: 'runtime-error', exitCode: 3 });
    });

    it('a child killed for memory while the program exits 0 is a memory limit', async () => {
      const r = await run(CHILD_HOG);
      expect(r.stdout).toBe('parent fine\n');
      expect(r.verdict).toBe('memory-limit');
    });

    it('hello world: the driver’s lines are not in the output, and time and memory are there', async () => {
      const r = await run('import sys\nprint("hello")\nprint("warn", file=sys.stderr)');
      expect(r).toMatchObject({ verdict: 'accepted', stdout: 'hello\n', stderr: 'warn\n', exitCode: 0 });
      expect(r.timeMs).toBeGreaterThan(0);
      expect(r.memoryMiB).toBeGreaterThan(0);
      if (!spares) expect(await runContainers()).toEqual([]);
    });
  });
}
