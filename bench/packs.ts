// pack-export, pack-import, pack-size: ClassLab's lab pack against `docker save IMAGES | gzip -1` of the
// same images and `docker load` of that gzip file, alternating, same run. Targets: export <= 0.5,
// import <= 0.6, size <= 1.0.
//
// The lab is the python lab's image flattened into one layer of the bench's own (docker export | docker
// import), so both sides really load a 1 GB layer the engine lacks: the bundled image shares its base with
// everything else here. The pack also carries ClassLab's gate, which is on the engine already: docker load
// reads and unpacks its bytes again; ClassLab's import skips an image the engine has (by ID), as it is
// meant to. Each import runs with a fresh data folder that trusts the bench's signer.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClassLab } from '../electron/core/classlab';
import { MemorySecretStore } from '../electron/core/secrets/secret-store';
import { createSettingsStore } from '../electron/core/settings';
import { MachineTrust } from '../electron/core/trust/machine-trust';
import type { ClassLabCore } from '../electron/core/types';
import { GATE_IMAGE } from '../electron/core/sandbox/policy';
import { benchNamespace, quiet, REPO } from './lab';
import { figure, fromValues, type Figure } from './stats';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_PACK_RUNS ?? 3);
const say = (msg: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} packs: ${msg}\n`);

async function core(tmp: string, name: string, namespace: string, secrets: MemorySecretStore, signers: string[]): Promise<ClassLabCore> {
  const catalog = path.join(tmp, `${name}-catalog`);
  rmSync(catalog, { recursive: true, force: true });
  await run('mkdir', ['-p', catalog]);
  writeFileSync(path.join(catalog, 'catalog.json'), JSON.stringify({ schema: 1, labs: name === 'instructor' ? [LAB] : [] }));
  const store: Record<string, unknown> = { trust: MachineTrust.parse({ packSigners: signers }) };
  return createClassLab({
    settings: createSettingsStore({ store, set: (k, v) => void (store[k] = v) }),
    catalogDir: catalog,
    imagesDir: path.join(REPO, 'images'),
    dataDir: mkdtempSync(path.join(tmp, `${name}-data-`)),
    log: quiet,
    namespace,
    secrets,
    watchCatalog: false,
  });
}

let FLAT = '';
const LAB: Record<string, unknown> = { id: 'benchpack', title: 'Bench pack', network: 'none' };

async function timed(work: () => Promise<unknown>): Promise<number> {
  await run('sync');
  const t = performance.now();
  await work();
  return performance.now() - t;
}

export async function packFigures(): Promise<Figure[]> {
  const namespace = benchNamespace();
  FLAT = `clbench/flat-python:${namespace.slice(-4)}`;
  LAB.image = FLAT;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-packs-'));
  const secrets = new MemorySecretStore();
  const shell = (script: string) => run('bash', ['-o', 'pipefail', '-c', script], { maxBuffer: 1 << 20 });
  try {
    say('flattening the python image into one layer of the bench\u2019s own');
    const box = `${namespace}-flat`;
    await run('docker', ['create', '--name', box, 'classlab/python:3']);
    await shell(
      `docker export ${box} | docker import --change 'USER 1000:1000' --change 'ENTRYPOINT ["/usr/bin/tini","--"]' --change 'CMD ["/usr/local/bin/classlab-notebook"]' - ${FLAT} >/dev/null`,
    );
    await run('docker', ['rm', box]);
    const instructor = await core(tmp, 'instructor', namespace, secrets, []);
    const pack = path.join(tmp, 'bench.classlab');
    const gz = path.join(tmp, 'bench.tar.gz');
    const exp = { ours: [] as number[], theirs: [] as number[] };
    const imp = { ours: [] as number[], theirs: [] as number[] };
    let signer = '';
    try {
      for (let i = 0; i < RUNS; i++) {
        say(`export, run ${i + 1} of ${RUNS}`);
        for (const who of i % 2 === 0 ? ['classlab', 'docker'] : ['docker', 'classlab']) {
          rmSync(who === 'classlab' ? pack : gz, { force: true });
          const ms = await timed(async () => {
            if (who === 'classlab') signer = (await instructor.packs.export(['benchpack'], pack)).signer;
            else await shell(`docker save ${FLAT} ${GATE_IMAGE} | gzip -1 > ${gz}`);
          });
          (who === 'classlab' ? exp.ours : exp.theirs).push(ms);
        }
      }
    } finally {
      await instructor.close();
    }
    const sizes = { ours: statSync(pack).size, theirs: statSync(gz).size };
    for (let i = 0; i < RUNS; i++) {
      say(`import, run ${i + 1} of ${RUNS}`);
      for (const who of i % 2 === 0 ? ['classlab', 'docker'] : ['docker', 'classlab']) {
        await run('docker', ['rmi', FLAT]).catch(() => undefined);
        let student: ClassLabCore | null = null;
        if (who === 'classlab') student = await core(tmp, `student${i}`, `${namespace}-s${i}`, new MemorySecretStore(), [signer]);
        try {
          const ms = await timed(async () => {
            if (student) await student.packs.import(pack, { trustSigner: false });
            else await run('docker', ['load', '-q', '-i', gz]);
          });
          (who === 'classlab' ? imp.ours : imp.theirs).push(ms);
        } finally {
          await student?.close();
        }
      }
    }
    say(
      `export ms ${exp.ours.map(Math.round).join(',')} vs ${exp.theirs.map(Math.round).join(',')}; import ms ${imp.ours.map(Math.round).join(',')} vs ${imp.theirs.map(Math.round).join(',')}`,
    );
    return [
      figure('pack-export', 'ms', exp.ours, exp.theirs, '<= 0.5'),
      figure('pack-import', 'ms', imp.ours, imp.theirs, '<= 0.6'),
      fromValues('pack-size', 'MB', sizes.ours / 1e6, sizes.theirs / 1e6, 1, '<= 1.0'),
    ];
  } finally {
    await run('docker', ['rmi', '-f', FLAT]).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}
