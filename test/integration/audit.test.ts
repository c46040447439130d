// The sandbox audit against the real engine: the bundled python lab's profile, every attack of issue 3,
// and nothing left behind. Allow it a few minutes (bombs are time-boxed, the disk is 64 MiB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { docker, ensureImages, memoryLogger, removeNamespace, REPO, testCore, testPolicy, trustedGateImage, uniqueNamespace } from '../support/docker';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { runAudit, type AttackResult } from '../../electron/core/audit';
import { LABEL } from '../../electron/core/labs/naming';

/**
 * Attacks the bundled image does not hold yet, each with the reason; the test fails when one of them
 * starts to pass (so the list is kept honest) or when any other attack is not blocked.
 */
/** Attacks known to get through, each with why; empty: every attack must be blocked. */
const KNOWN_GAPS: Record<string, string> = {};

const ns = uniqueNamespace('claudit');
let results: AttackResult[] = [];
const progress: AttackResult[] = [];

beforeAll(async () => {
  const core = await testCore(ns);
  await ensureImages(core);
  await core.close();
  const policy = testPolicy();
  const { profiles } = await loadCatalog(path.join(REPO, 'images'), policy);
  const profile = profiles.find((p) => p.id === 'python')!;
  results = await runAudit({
    docker: () => docker,
    profile,
    namespace: ns,
    log: memoryLogger(),
    diskMiB: 64,
    policy,
    gateImage: trustedGateImage,
    onProgress: (r) => progress.push(r),
  });
  for (const r of results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
}, 900_000);

afterAll(async () => {
  await removeNamespace(ns);
});

describe('sandbox audit of the python lab', () => {
  it('runs every attack: 13 tampered packs, 14 the hostile profile, 15 git on this computer, 16 and 17 the notebook page, 19 URL import, 20 a server the student starts, and reports each as it goes', () => {
    const numbers = new Set(results.map((r) => Number(r.attack.split('.')[0])));
    expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(progress).toEqual(results);
    for (const r of results) expect(r.evidence.length, r.attack).toBeGreaterThan(20);
  });

  it('15: plants every git variant, shows the control ran them in the lab, and nothing ran on this computer', () => {
    const line = results.find((r) => r.attack.startsWith('15. '));
    expect(line?.blocked, line?.evidence).toBe(true);
    expect(line?.evidence).toMatch(/^blocked; 10 variants planted in audit-git/);
    expect(line?.evidence).toMatch(/ran [^;]*filter-clean[^;]* inside the lab/);
    expect(line?.evidence).toMatch(/no marker on this computer/);
    expect(line?.evidence).toMatch(/left out of the host copy: .*filter-clean\/\.git.*gitdir\/\.git/);
  });

  it('blocks every attack (known gaps listed with their reason)', () => {
    const notBlocked = results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`);
    const unexpected = notBlocked.filter((line) => !Object.keys(KNOWN_GAPS).some((gap) => line.startsWith(`${gap}:`)));
    expect(unexpected).toEqual([]);
    const fixed = Object.keys(KNOWN_GAPS).filter((gap) => results.find((r) => r.attack === gap)?.blocked);
    expect(fixed, 'a known gap is blocked now: remove it from KNOWN_GAPS').toEqual([]);
  });

  it('leaves nothing behind: no container, volume, network, loop device or link of the audit', async () => {
    const all = await docker.listContainers({ all: true });
    expect(all.filter((c) => (c.Labels[LABEL.instance] ?? '').startsWith(`${ns}-a`))).toEqual([]);
    const { Volumes } = await docker.listVolumes();
    expect((Volumes ?? []).filter((v) => v.Name.startsWith(`${ns}-a`)).map((v) => v.Name)).toEqual([]);
    const networks = await docker.listNetworks();
    expect(networks.filter((n) => n.Name.startsWith(`${ns}-a`)).map((n) => n.Name)).toEqual([]);
    const { readdir } = await import('node:fs/promises');
    const links = await readdir('/dev/classlab').catch(() => [] as string[]);
    expect(links.filter((l) => l.startsWith(`${ns}-a`))).toEqual([]);
  });
});
