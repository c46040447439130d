// Quick runs on the real engine: every verdict for each language of the bundled labs (Python and Bash in
// the python lab; C, C++, Java and JavaScript in the code lab; R in the r lab), nothing left behind after any run, the capped pool and the bounded queue observed on the
// engine itself, and the command line's --json and exit codes.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RUN_LANGUAGES, type RunLanguage, type RunQueueEvent, type RunResult } from '../../electron/api/contract';
import { apiErrorOf } from '../../electron/api/client';
import { Runs } from '../../electron/core/runs/runs';
import { runContainerSpec, DEFAULT_RUN_LIMITS } from '../../electron/core/runs/run-spec';
import { starterCode } from '../../renderer/src/quickRun';
import { docker, memoryLogger, REPO, removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clrun');
let core: Awaited<ReturnType<typeof testCore>>;
// Shorter than the defaults (5 s, 10 s) so the suite is quicker; long enough for a loaded machine.
const LIMITS = { cpuSeconds: 3, wallSeconds: 8 };

/** Run containers of this test's namespace, by label (running or not). */
async function runContainers(namespace = ns, onlyRunning = false) {
  return docker.listContainers({ all: !onlyRunning, filters: { label: ['classlab.role=quick-run', `classlab.instance=${namespace}`] } });
}

async function run(lang: RunLanguage, code: string, stdin = ''): Promise<RunResult> {
  return core.service['runs:run']({ lab: null, lang, code, stdin });
}

beforeAll(async () => {
  const catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    { id: 'python-two', title: 'Python two', image: 'classlab/python:3', build: { context: 'python' } },
    { id: 'code', title: 'Programming lab', image: 'classlab/code:1', build: { context: 'code', base: 'python' } },
    { id: 'r', title: 'R notebook', image: 'classlab/r:1', build: { context: 'r', base: 'python' } },
  ]);
  core = await testCore(ns, { catalogDir, runLimits: LIMITS });
});
afterEach(async () => {
  // After every run, whatever its verdict: no container of it is left.
  expect(await runContainers()).toEqual([]);
});
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

/** Where a run with `lab: null` lands: the first lab in catalog order whose image has the language. */
const FIRST_LAB: Record<RunLanguage, string> = { python: 'python', bash: 'python', c: 'code', cpp: 'code', java: 'code', javascript: 'code', r: 'r' };

const PROGRAMS: Record<RunLanguage, { hello: string; echo: string; syntax: string; loop: string; hog: string; bomb: string; flood: string; network: string }> =
  {
    python: {
      hello: 'print("hello, world")',
      echo: 'import sys\nsys.stdout.write(sys.stdin.read())',
      syntax: 'print("unclosed"\n',
      loop: 'while True:\n    pass',
      hog: 'x = []\nwhile True:\n    x.append(bytearray(16 * 1024 * 1024))',
      bomb: 'import os\nwhile True:\n    os.fork()',
      flood: 'while True:\n    print("y" * 1000)',
      network: 'import socket\nsocket.create_connection(("1.1.1.1", 80), timeout=3)\nprint("connected")',
    },
    bash: {
      hello: 'echo "hello, world"',
      echo: 'cat',
      syntax: 'if true; then echo x',
      loop: 'while :; do :; done',
      // tail keeps its never-ending last line in memory.
      hog: 'tail /dev/zero',
      bomb: 'b() { b | b & }; b',
      flood: 'yes',
      network: 'exec 3<>/dev/tcp/1.1.1.1/80 && echo connected',
    },
    c: {
      hello: '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }',
      echo: '#include <stdio.h>\nint main(void) { int c; while ((c = getchar()) != EOF) putchar(c); return 0; }',
      syntax: 'int main(void) { return 0 }',
      loop: 'int main(void) { volatile unsigned long n = 0; for (;;) n++; }',
      hog: '#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(16 << 20); if (!p) return 3; memset(p, 1, 16 << 20); } }',
      bomb: '#include <unistd.h>\nint main(void) { for (;;) fork(); }',
      flood: '#include <stdio.h>\nint main(void) { for (;;) puts("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"); }',
      network:
        '#include <arpa/inet.h>\n#include <stdio.h>\n#include <sys/socket.h>\nint main(void) { struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) }; inet_pton(AF_INET, "1.1.1.1", &a.sin_addr); int s = socket(AF_INET, SOCK_STREAM, 0); if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; } puts("connected"); return 0; }',
    },
    cpp: {
      hello: '#include <iostream>\nint main() { std::cout << "hello, world\\n"; }',
      echo: '#include <iostream>\nint main() { char c; while (std::cin.get(c)) std::cout.put(c); }',
      syntax: 'int main() { return 0 }',
      loop: 'int main() { volatile unsigned long n = 0; for (;;) n++; }',
      hog: '#include <cstring>\n#include <vector>\nint main() { std::vector<char *> v; for (;;) { char *p = new char[16 << 20]; std::memset(p, 1, 16 << 20); v.push_back(p); } }',
      bomb: '#include <unistd.h>\nint main() { for (;;) fork(); }',
      flood: '#include <cstdio>\nint main() { for (;;) std::puts("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"); }',
      network:
        '#include <arpa/inet.h>\n#include <cstdio>\n#include <sys/socket.h>\nint main() { sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(80); inet_pton(AF_INET, "1.1.1.1", &a.sin_addr); int s = socket(AF_INET, SOCK_STREAM, 0); if (connect(s, (sockaddr *)&a, sizeof a) != 0) { std::perror("connect"); return 1; } std::puts("connected"); }',
    },
    java: {
      hello: 'public class Main { public static void main(String[] a) { System.out.println("hello, world"); } }',
      echo: 'public class Main { public static void main(String[] a) throws Exception { System.in.transferTo(System.out); System.out.flush(); } }',
      syntax: 'public class Main { public static void main(String[] a) { int x = 1 } }',
      loop: 'public class Main { public static void main(String[] a) { long n = 0; while (true) n++; } }',
      hog: 'import java.util.*;\npublic class Main { public static void main(String[] a) { List<byte[]> l = new ArrayList<>(); while (true) { byte[] b = new byte[16 << 20]; Arrays.fill(b, (byte) 1); l.add(b); } } }',
      bomb: 'public class Main { public static void main(String[] a) { while (true) new Thread(() -> { try { Thread.sleep(100000); } catch (InterruptedException e) { } }).start(); } }',
      flood: 'public class Main { public static void main(String[] a) { while (true) System.out.println("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"); } }',
      network:
        'import java.net.*;\npublic class Main { public static void main(String[] a) throws Exception { new Socket().connect(new InetSocketAddress("1.1.1.1", 80), 3000); System.out.println("connected"); } }',
    },
    javascript: {
      hello: 'console.log("hello, world")',
      echo: 'process.stdin.pipe(process.stdout)',
      syntax: 'console.log("unclosed"',
      loop: 'for (;;) {}',
      // Buffers live outside V8's heap: the kernel's limit is met, not V8's own.
      hog: 'const a = []\nfor (;;) a.push(Buffer.alloc(16 << 20, 1))',
      bomb: 'const { spawn } = require("node:child_process")\nfor (;;) spawn("sleep", ["100"])',
      flood: 'for (;;) process.stdout.write("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\\n")',
      network:
        'require("node:net").connect(80, "1.1.1.1").on("connect", () => console.log("connected")).on("error", (e) => { console.error(`Network: ${e.message}`); process.exit(1) })',
    },
    r: {
      hello: 'cat("hello, world\\n")',
      echo: 'x <- readBin(file("stdin", "rb"), "raw", 1e7)\ncat(rawToChar(x))',
      syntax: 'cat("unclosed"\n',
      loop: 'repeat {}',
      hog: 'x <- list()\ni <- 0\nrepeat { i <- i + 1; x[[i]] <- numeric(2e6) + 1 }',
      bomb: 'library(parallel)\nrepeat mcparallel(Sys.sleep(100))',
      flood: 'repeat cat(strrep("y", 38), "\\n")',
      network: 'con <- socketConnection("1.1.1.1", 80, timeout = 3)\ncat("connected\\n")',
    },
  };

describe.each(RUN_LANGUAGES)('quick run in %s', (lang) => {
  const p = PROGRAMS[lang];

  it('hello world is accepted, with time and memory', async () => {
    const r = await run(lang, p.hello);
    expect(r).toMatchObject({ verdict: 'accepted', stdout: 'hello, world\n', stderr: '', exitCode: 0, labId: FIRST_LAB[lang] });
    expect(r.timeMs).toBeGreaterThan(0);
    expect(r.memoryMiB).toBeGreaterThan(0);
  });

  it("the panel's starter program runs and greets its stdin", async () => {
    expect(await run(lang, starterCode(lang), 'Ada\n')).toMatchObject({ verdict: 'accepted', stdout: 'Hello, Ada!\n' });
    expect((await run(lang, starterCode(lang))).stdout).toBe('Hello, world!\n');
  });

  it('echoes its stdin exactly (bytes that look like the driver header too)', async () => {
    const input = 'line one\n0123 99\nü — ✓\n';
    const r = await run(lang, p.echo, input);
    expect(r.verdict).toBe('accepted');
    expect(r.stdout).toBe(input);
  });

  it('a syntax error is a compile error, and nothing of the program ran', async () => {
    const r = await run(lang, p.syntax);
    expect(r.verdict).toBe('compile-error');
    expect(r.stdout).toBe('');
    expect(r.stderr.length).toBeGreaterThan(0);
    if (lang === 'python') expect(r.stderr).toMatch(/SyntaxError/);
    if (lang === 'c') expect(r.stderr).toMatch(/error/);
  });

  it('an infinite loop is a time limit (its CPU time)', async () => {
    const r = await run(lang, p.loop);
    expect(r.verdict).toBe('time-limit');
  });

  it('a memory hog is a memory limit, not a runtime error', async () => {
    const r = await run(lang, p.hog);
    expect(r.verdict).toBe('memory-limit');
  });

  it('a fork bomb is contained: not accepted, and the next run is fine', async () => {
    const r = await run(lang, p.bomb);
    expect(r.verdict).not.toBe('accepted');
    expect(await runContainers()).toEqual([]);
    const after = await run(lang, p.hello);
    expect(after.verdict).toBe('accepted');
  });

  it('an output flood is an output limit, and the output kept is capped', async () => {
    const r = await run(lang, p.flood);
    expect(r.verdict).toBe('output-limit');
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(DEFAULT_RUN_LIMITS.outputBytes);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(DEFAULT_RUN_LIMITS.outputBytes / 2);
  });

  it('has no network', async () => {
    const r = await run(lang, p.network);
    expect(r.verdict).toBe('runtime-error');
    expect(r.stdout).not.toMatch(/connected/);
    // R's socket error names the address it could not open, not the reason.
    expect(r.stderr).toMatch(lang === 'r' ? /cannot be opened|cannot open/ : /unreachable|Network/i);
  });
});

describe('quick run limits and lab choice', () => {
  it('a program that sleeps forever is stopped at the wall time: time limit', async () => {
    const started = Date.now();
    const r = await run('python', 'import time\ntime.sleep(3600)');
    expect(r).toMatchObject({ verdict: 'time-limit', exitCode: null });
    expect(Date.now() - started).toBeLessThan((LIMITS.wallSeconds + 5) * 1000);
  });

  it('runs in the lab asked for, and refuses a lab that does not exist', async () => {
    expect((await core.service['runs:run']({ lab: 'python-two', lang: 'bash', code: 'echo two' })).labId).toBe('python-two');
    const err = await core.service['runs:run']({ lab: 'nope', lang: 'bash', code: 'echo' }).catch(apiErrorOf);
    expect(err).toMatchObject({ code: 'LAB_NOT_FOUND' });
  });

  it("says which languages each lab's image has, and refuses a language its image lacks", async () => {
    expect(await core.service['runs:languages']('python')).toEqual(['python', 'bash']);
    expect(await core.service['runs:languages']('code')).toEqual(['python', 'bash', 'c', 'cpp', 'java', 'javascript']);
    expect(await core.service['runs:languages']('r')).toEqual(['python', 'bash', 'r']);
    expect(await core.service['runs:languages']('nope').catch(apiErrorOf)).toMatchObject({ code: 'LAB_NOT_FOUND' });
    const err = await core.service['runs:run']({ lab: 'python', lang: 'c', code: 'int main(void) { return 0; }' }).catch(apiErrorOf);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/has no c/) });
  });

  it('closing stops a run going and refuses a waiting one, with no verdict on either, and leaves nothing', async () => {
    const settings = testSettings();
    settings.update({ quickRuns: { maxConcurrent: 1, maxQueued: 5 } });
    const runs = new Runs({
      docker: () => docker,
      namespace: ns,
      profiles: () => [{ id: 'python', title: 'Python', image: 'classlab/python:3', server: { user: '1000:1000' }, runtime: 'auto' }] as never,
      trust: () => ({ skipGvisorLabs: [] }) as never,
      settings,
      log: memoryLogger(),
      queued: () => undefined,
      limits: LIMITS,
    });
    // The language probe first (its container carries the same labels), so the one seen below is the run.
    await runs.run({ lab: null, lang: 'bash', code: 'true' });
    const going = runs.run({ lab: null, lang: 'bash', code: 'sleep 3600' }).catch(apiErrorOf);
    const waiting = runs.run({ lab: null, lang: 'bash', code: 'echo never' }).catch(apiErrorOf);
    await expect.poll(async () => (await runContainers(ns, true)).length, { timeout: 20_000 }).toBe(1);
    runs.close();
    expect(await going).toMatchObject({ code: 'CANCELLED' });
    expect(await waiting).toMatchObject({ code: 'BUSY' });
  });

  it('removes run containers that a killed ClassLab left behind', async () => {
    const leftover = await docker.createContainer(
      runContainerSpec({
        runId: 'r00000000deadbeef',
        labId: 'python',
        namespace: ns,
        image: 'classlab/python:3',
        user: '1000:1000',
        lang: 'bash',
        limits: DEFAULT_RUN_LIMITS,
        security: { seccomp: true, runtime: 'runc' },
      }),
    );
    expect((await runContainers()).map((c) => c.Id)).toEqual([leftover.id]);
    const runs = new Runs({
      docker: () => docker,
      namespace: ns,
      profiles: () => [],
      trust: () => ({}) as never,
      settings: testSettings(),
      log: memoryLogger(),
      queued: () => undefined,
    });
    // A container that young may be another ClassLab process's run going now: left alone.
    expect(await runs.sweep()).toBe(0);
    expect(await runs.sweep(0)).toBe(1);
  });
});

describe('capped pool and bounded queue', () => {
  it('20 runs at once with the cap at 2: all finish, in order, never more than 2 at a time on the engine', async () => {
    const events: RunQueueEvent[] = [];
    const off = core.subscribe('runs:queue', (e) => events.push(e));
    let most = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        most = Math.max(most, (await runContainers(ns, true)).length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const ids = Array.from({ length: 20 }, (_, i) => `r${i.toString(16).padStart(16, '0')}`);
    const results = await Promise.all(
      ids.map((runId, i) => core.service['runs:run']({ lab: 'python', lang: 'python', code: `import time\ntime.sleep(0.3)\nprint(${i})`, runId })),
    );
    polling = false;
    await poll;
    off();
    expect(results.map((r) => r.verdict)).toEqual(Array(20).fill('accepted'));
    expect(results.map((r) => r.stdout)).toEqual(ids.map((_, i) => `${i}\n`));
    // Seen on the engine: two at once, never three.
    expect(most).toBe(2);
    // Started in the order they were asked for.
    expect(events.filter((e) => e.position === 0).map((e) => e.runId)).toEqual(ids);
    // The last one was told its place: 18th, then closer.
    const last = events.filter((e) => e.runId === ids[19]).map((e) => e.position);
    expect(last[0]).toBe(18);
    expect(last.at(-1)).toBe(0);
    expect(last).toEqual([...last].sort((a, b) => b - a));
  });

  it('is bounded: past the queue a run is refused with BUSY; a flooding lab is slowed and told, another lab goes first', async () => {
    const settings = testSettings();
    settings.update({ quickRuns: { maxConcurrent: 1, maxQueued: 4 } });
    const events: RunQueueEvent[] = [];
    const profiles = (await core.service['labs:list']()).labs.map((l) => l.id);
    expect(profiles).toEqual(['python', 'python-two', 'code', 'r']);
    const runs = new Runs({
      docker: () => docker,
      namespace: ns,
      profiles: () =>
        [
          { id: 'python', title: 'Python', image: 'classlab/python:3', server: { user: '1000:1000' }, runtime: 'auto' },
          { id: 'python-two', title: 'Python two', image: 'classlab/python:3', server: { user: '1000:1000' }, runtime: 'auto' },
        ] as never,
      trust: () => ({ skipGvisorLabs: [] }) as never,
      settings,
      log: memoryLogger(),
      queued: (e) => events.push(e),
      limits: LIMITS,
    });
    const order: string[] = [];
    const submit = (lab: string, i: number) =>
      runs.run({ lab, lang: 'bash', code: `sleep 0.2; echo ${lab}-${i}` }).then(
        (r) => (order.push(r.stdout.trim()), r.verdict),
        (e: unknown) => apiErrorOf(e),
      );
    // Warm the language probe, so the next calls reach the pool together.
    await runs.run({ lab: 'python', lang: 'bash', code: 'true' });
    order.length = 0;
    const flood = [0, 1, 2, 3].map((i) => submit('python', i));
    await new Promise((r) => setTimeout(r, 300));
    const other = submit('python-two', 0);
    const outcome = await Promise.all([...flood, other]);
    // 1 running + 2 waiting (half of 4, its share); the 4th is refused.
    expect(outcome.slice(0, 4).filter((o) => o === 'accepted')).toHaveLength(3);
    expect(outcome.slice(0, 4).find((o) => typeof o === 'object')).toMatchObject({ code: 'BUSY', message: expect.stringMatching(/share of the queue/) });
    expect(outcome[4]).toBe('accepted');
    // The other lab went before the flood's last waiting run.
    expect(order.indexOf('python-two-0')).toBeLessThan(order.indexOf('python-2'));
    expect(events.some((e) => e.labId === 'python' && e.throttled && e.message)).toBe(true);
    // Past the whole queue: refused, with a message that says so.
    settings.update({ quickRuns: { maxConcurrent: 1, maxQueued: 2 } });
    const burst = await Promise.all([submit('python', 10), submit('python-two', 10), submit('python', 11), submit('python-two', 11)]);
    expect(burst.filter((o) => o === 'accepted')).toHaveLength(3);
    expect(burst.find((o) => typeof o === 'object')).toMatchObject({ code: 'BUSY', message: expect.stringMatching(/runs are waiting already/) });
  });
});

describe('classlab run', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-run-cli-'));
  const cliNs = `${ns}-cli`;
  afterAll(() => removeNamespace(cliNs));

  function cli(args: string[], input = ''): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(REPO, 'node_modules', '.bin', 'tsx'), [path.join(REPO, 'electron', 'cli.ts'), 'run', ...args], {
        env: { ...process.env, CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: cliNs, CLASSLAB_CATALOG: path.join(REPO, 'images') },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
      child.stdin.end(input);
    });
  }

  it('--json prints exactly the result, and exits 0 whatever the verdict', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-run-'));
    writeFileSync(path.join(dir, 'in.txt'), 'ping\n');
    writeFileSync(path.join(dir, 'fail.sh'), 'echo out; echo err >&2; exit 3');
    const ok = await cli(['--lang', 'python', '--stdin', path.join(dir, 'in.txt'), '--json', '-'], 'print(input().upper())');
    expect(ok.code).toBe(0);
    const parsed = JSON.parse(ok.out) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['exitCode', 'memoryMiB', 'stderr', 'stdout', 'timeMs', 'verdict']);
    expect(parsed).toMatchObject({ verdict: 'accepted', stdout: 'PING\n', stderr: '', exitCode: 0 });
    const failed = await cli(['--lang', 'bash', path.join(dir, 'fail.sh'), '--json']);
    expect(failed.code).toBe(0);
    expect(JSON.parse(failed.out)).toMatchObject({ verdict: 'runtime-error', stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
    expect(await runContainers(cliNs)).toEqual([]);
  });

  it('prints the output and a verdict line without --json', async () => {
    const r = await cli(['--lang', 'bash'], 'echo plain');
    expect(r).toMatchObject({ code: 0, out: 'plain\n' });
    expect(r.err).toMatch(/\[accepted · exit 0 · [\d.]+ s/);
  });

  it('exit codes: 2 usage, 4 no such lab', async () => {
    expect((await cli(['--lang', 'cobol'], 'x')).code).toBe(2);
    expect((await cli([], 'x')).code).toBe(2);
    const missing = await cli(['--lang', 'bash', '--lab', 'nope', '--json'], 'echo');
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.out)).toMatchObject({ error: { code: 'LAB_NOT_FOUND' } });
  });
});
