// The sandbox check (issue #3's attacks and those added since) on each bundled lab built on the python
// lab — r, octave and code (issue #12: "each with its sandbox check passing") — against the real engine.
// The python lab has its own, longer test (audit.test.ts); this file asserts for each of the other labs
// that every attack ran and was blocked and that nothing was left behind.
// Measured on the 2-core build machine, one lab at a time (two runs): r 151/131 s, octave 122/139 s, code
// 112/163 s, 6.5-7.2 min in all (docs/design-notes.md, "Sandbox check of every bundled lab"). Not run
// concurrently: the CPU-burn, fork- and memory-bomb lines measure against the machine's spare capacity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { docker, removeNamespace, REPO, testCore, testPolicy, uniqueNamespace } from '../support/docker';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import type { AuditReport } from '../../electron/api/contract';
import { LABEL } from '../../electron/core/labs/naming';
import type { Profile } from '../../electron/core/profiles/schema';

/** The fewest results a full check gives (the python lab's run gives more; a lost attack fails here). */
const MIN_RESULTS = 30;

const namespaces: string[] = [];
let profiles: Profile[] = [];

beforeAll(async () => {
  ({ profiles } = await loadCatalog(path.join(REPO, 'images'), testPolicy()));
  for (const id of ['r', 'octave', 'code']) {
    const image = profiles.find((p) => p.id === id)!.image;
    // The lab images are built by the build step before the tests (never here: a build takes minutes).
    await docker.getImage(image).inspect();
  }
});

afterAll(async () => {
  for (const ns of namespaces) await removeNamespace(ns);
});

async function check(id: string): Promise<{ report: AuditReport; ns: string }> {
  const ns = uniqueNamespace(`claud${id.slice(0, 2)}`);
  namespaces.push(ns);
  // The check as the app and `classlab audit LAB` run it: the core's method, which also says when a lab
  // could not be checked at all (its report's problem).
  const core = await testCore(ns);
  try {
    const started = Date.now();
    const [report] = await core.service['audit:run'](id);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`sandbox check of ${id}: ${report!.results.length} results in ${seconds} s`);
    for (const r of report!.results) console.log(`${id} ${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
    return { report: report!, ns };
  } finally {
    await core.close();
  }
}

async function leftovers(ns: string): Promise<string[]> {
  const left: string[] = [];
  const all = await docker.listContainers({ all: true });
  left.push(...all.filter((c) => (c.Labels[LABEL.instance] ?? '').startsWith(`${ns}-a`)).map((c) => `container ${c.Id}`));
  const { Volumes } = await docker.listVolumes();
  left.push(...(Volumes ?? []).filter((v) => v.Name.startsWith(`${ns}-a`)).map((v) => `volume ${v.Name}`));
  const networks = await docker.listNetworks();
  left.push(...networks.filter((n) => n.Name.startsWith(`${ns}-a`)).map((n) => `network ${n.Name}`));
  return left;
}

describe('sandbox check of each bundled lab built on the python lab', () => {
  for (const id of ['r', 'octave', 'code']) {
    it(`${id}: every attack runs and is blocked, nothing is left behind`, async () => {
      const { report, ns } = await check(id);
      expect(report.labId).toBe(id);
      expect(report.problem).toBeNull();
      const { results } = report;
      expect(results.length).toBeGreaterThanOrEqual(MIN_RESULTS);
      const numbers = new Set(results.map((r) => Number(r.attack.split('.')[0])));
      for (let n = 1; n <= 20; n++) expect(numbers.has(n), `attack ${n} ran`).toBe(true);
      for (const r of results) expect(r.evidence.length, r.attack).toBeGreaterThan(20);
      expect(results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`)).toEqual([]);
      // 20: the student's servers really ran (python everywhere, node in the code lab) and stayed inside.
      const servers = results.find((r) => r.attack.startsWith('20. '));
      expect(servers?.evidence).toMatch(
        id === 'code' ? /started: python, node; inside the lab: 8765 answers, 8766 answers/ : /started: python; inside the lab: 8765 answers/,
      );
      expect(servers?.evidence).toContain('ports the engine publishes: none');
      expect(report.allBlocked).toBe(true);
      expect(await leftovers(ns)).toEqual([]);
    }, 900_000);
  }
});
