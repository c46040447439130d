// Issue #9, item 6: a link swapped in during an upload or a download never makes the engine read or write
// outside the workspace. A student process in a real lab exchanges (renameat2 RENAME_EXCHANGE, thousands of
// times) the folders and the file a transfer walks with links to a root-only folder in /tmp (a secret only
// root can read), /etc and / while ClassLab uploads and downloads through the bridge's transfer paths, as
// the UI does. Transfers run tar as the lab user, so the race can lead them only where the student could go:
// then, as root in the lab, no file outside the workspace was made by anyone but the student, / and /etc and
// the root-only folder hold what they held, and no download carried the secret. And the Sandbox check's
// line 18 runs the same race and says blocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { labNames } from '../../electron/core/labs/naming';
import { packTar } from '../../electron/core/workspace/tar';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { runAudit } from '../../electron/core/audit';
import { DATA_SIZE, SWAPPER } from '../../electron/core/audit/attacks/transfer-race';
import { docker, ensureImages, execIn, memoryLogger, removeNamespace, REPO, testCore, testPolicy, trustedGateImage, uniqueNamespace } from '../support/docker';
import { getToFile, putTar } from '../support/transfer-client';

const ns = uniqueNamespace();
const names = labNames(ns, 'python');
const WS = '/home/student/work';
const USER = '1000:1000';
const SECONDS = Number(process.env.RACE_SECONDS ?? 40);
let core: Awaited<ReturnType<typeof testCore>>;
let bridge: Bridge;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'classlab-race-'));
const secret = `ROOT-SECRET-${randomBytes(8).toString('hex')}`.padEnd(DATA_SIZE, '!');
const tag = randomBytes(4).toString('hex');

/** The lab user's own tar or move was denied or lost its path: the student's rights stopped it, nothing leaked. */
const STUDENT_RIGHTS = /could not be unpacked|Could not put .* in place|file operation \\"commit\\" failed/;

const swaps = async () => Number((await execIn(names.container, ['sh', '-c', 'cat /tmp/swaps 2>/dev/null || echo 0'], USER)).out.trim()) || 0;

beforeAll(async () => {
  core = await testCore(ns);
  await ensureImages(core);
  bridge = await startBridge({ core, staticDir: tmp, port: 0, log: core.log });
  const view = await core.service['labs:open']('python');
  expect(view.phase).toBe('ready');
}, 600_000);

afterAll(async () => {
  await bridge?.close();
  await core?.close();
  await removeNamespace(ns);
  rmSync(tmp, { recursive: true, force: true });
});

describe('a student swaps links into the paths of transfers, thousands of times', () => {
  it('never makes the engine write outside the workspace or read the root-only secret', async () => {
    const svc = core.service;
    const root = await execIn(
      names.container,
      [
        'sh',
        '-c',
        `mkdir -p /tmp/rootonly && chmod 700 /tmp/rootonly && printf '%s' '${secret}' > /tmp/rootonly/data.txt && chmod 600 /tmp/rootonly/data.txt && touch /tmp/race-start && ls -A /etc / /tmp/rootonly | md5sum`,
      ],
      '0:0',
    );
    expect(root.code).toBe(0);
    const mine = await execIn(
      names.container,
      ['sh', '-c', `mkdir -p ${WS}/dl && printf '%s' '${'d'.repeat(DATA_SIZE)}' > ${WS}/dl/data.txt && cat /tmp/rootonly/data.txt 2>&1; true`],
      USER,
    );
    expect(mine.out).toMatch(/Permission denied/);
    // The swapper, as the student, in the background (killed after SECONDS + 60 at the latest).
    await docker
      .getContainer(names.container)
      .exec({ Cmd: ['timeout', '-s', 'KILL', String(SECONDS + 60), 'python3', '-c', SWAPPER, WS], User: USER })
      .then((e) => e.start({ Detach: true }));
    let before = 0;
    for (let i = 0; i < 50 && before === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      before = await swaps();
    }
    expect(before, 'the swapper runs').toBeGreaterThan(0);

    const ups = { ok: 0, refused: 0, other: [] as string[] };
    const downs = { ok: 0, refused: 0, leaked: 0, other: [] as string[] };
    const kept: string[] = [];
    const times: number[] = [];
    const until = Date.now() + SECONDS * 1000;
    const uploads = (async () => {
      for (let i = 0; Date.now() < until; i++) {
        const name = `race-${tag}-${i}.txt`;
        const plan = await svc['files:uploadPlan']('python', { dir: '', entries: [{ path: name, kind: 'file', size: 5 }] }).catch((e: Error) => e);
        if (plan instanceof Error) {
          ups.other.push(`plan: ${plan.message}`);
          continue;
        }
        const t0 = Date.now();
        const res = await putTar(bridge.port, plan.path, packTar([{ path: name, kind: 'file', data: 'safe\n' }]));
        times.push(Date.now() - t0);
        if (res.status === 200) {
          ups.ok += 1;
          kept.push(...((res.body as { written?: string[] }).written ?? []));
        } else if (res.status === 422 || res.status === 400 || res.status === 404 || res.status === 409 || STUDENT_RIGHTS.test(JSON.stringify(res.body)))
          ups.refused += 1;
        else ups.other.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    })();
    const downloads = (async () => {
      for (let i = 0; Date.now() < until; i++) {
        const rel = i % 2 ? 'dl' : 'dl/data.txt';
        const link = await svc['files:downloadLink']('python', rel).catch((e: Error) => e);
        if (link instanceof Error) {
          downs.refused += 1;
          continue;
        }
        const dest = path.join(tmp, `d${i}`);
        const t0 = Date.now();
        const res = await getToFile(bridge.port, link.path, dest).catch((e: Error) => ({ status: -1, text: e.message }));
        times.push(Date.now() - t0);
        // Cut off after it began: the reader refused what the lab's tar sent (a link swapped in), or tar, as
        // the student, was denied a root-only folder.
        if (res.status === -1) downs.refused += 1;
        else if (res.status === 200) {
          downs.ok += 1;
          if (readFileSync(dest).includes(secret.slice(0, 28))) downs.leaked += 1;
        } else if (res.status === 422 || res.status === 404) downs.refused += 1;
        else downs.other.push(`${res.status} ${res.text.slice(0, 200)}`);
        rmSync(dest, { force: true });
      }
    })();
    await Promise.all([uploads, downloads]);
    const during = (await swaps()) - before;
    await execIn(names.container, ['touch', '/tmp/swap-stop'], USER);
    console.log(`race: ${during} swaps; transfer ms ${JSON.stringify(times.slice(0, 40))}; uploads ${JSON.stringify(ups)}; downloads ${JSON.stringify(downs)}`);

    // It really raced: thousands of swaps while the transfers ran, and transfers met the swapped state
    // (refused, or denied to the student's tar) as well as the clean moments.
    expect(during).toBeGreaterThan(2000);
    expect(ups.ok).toBeGreaterThan(0);
    expect(downs.ok).toBeGreaterThan(0);
    expect(ups.refused + downs.refused).toBeGreaterThan(0);
    expect(ups.other).toEqual([]);
    expect(downs.other).toEqual([]);
    // No download ever carried the root-only secret.
    expect(downs.leaked).toBe(0);
    // As root: no file outside the workspace made since the race began by anyone but the student (what the
    // student's own tar wrote into the student's own /tmp folder is the student's), none of the uploads
    // anywhere outside but as the student, and / and /etc and the root-only folder hold what they held.
    const notStudent = await execIn(
      names.container,
      [
        'sh',
        '-c',
        `find / \\( -path /proc -o -path /sys -o -path /dev -o -path ${WS} \\) -prune -o \\( -newer /tmp/race-start -o -name 'race-${tag}-*' \\) ! -uid 1000 ! -type d -print 2>/dev/null`,
      ],
      '0:0',
    );
    expect(notStudent.out.trim()).toBe('');
    const after = await execIn(names.container, ['sh', '-c', 'ls -A /etc / /tmp/rootonly | md5sum'], '0:0');
    expect(after.out.trim()).toBe(root.out.trim());
    // What was kept is in the workspace, whole.
    const inWs = await execIn(names.container, ['sh', '-c', `cat ${kept.map((k) => `'${WS}/${k}'`).join(' ')} | sort | uniq -c`], USER);
    expect(inWs.out.trim()).toBe(`${kept.length} safe`);
    // The lab still runs: a transfer never stops or freezes it.
    const state = await docker.getContainer(names.container).inspect();
    expect(state.State.Status).toBe('running');
  }, 600_000);
});

describe('the Sandbox check', () => {
  it('line 18 runs the race and reports it blocked, with evidence', async () => {
    const policy = testPolicy();
    const { profiles } = await loadCatalog(path.join(REPO, 'images'), policy);
    const profile = profiles.find((p) => p.id === 'python')!;
    const results = await runAudit({
      docker: () => docker,
      profile,
      namespace: `${ns}x`,
      log: memoryLogger(),
      diskMiB: 64,
      policy,
      gateImage: trustedGateImage,
      only: ['transfer-link-swap'],
    });
    for (const r of results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
    expect(results.map((r) => r.attack.split('.')[0])).toEqual(['18']);
    expect(results[0]!.blocked, results[0]!.evidence).toBe(true);
    expect(results[0]!.evidence).toMatch(/\d{4,} swaps/);
  }, 900_000);
});
