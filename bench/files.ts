// upload-200mb, download-200mb, upload-1000-files, download-1000-files: ClassLab's way against `docker cp`
// of the same data into and out of the same running lab, alternating, same run. Target: ratio <= 1.0.
//
// ClassLab's way is the UI's: `classlab serve` runs as its own process (as for a browser); the transfer
// is granted over its WebSocket API, then the bytes go over its HTTP transfer path. A browser sends an
// upload as a Blob that references the files on disk (renderer/src/files/tar.ts): no tar is built in
// memory, the bytes are read from disk as they go. The bench does the same by streaming a tar file made
// beforehand. A folder downloads from ClassLab as one zip file; `docker cp` writes the folder.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import DockerClient from 'dockerode';
import { execCollect } from '../electron/core/engine/exec';
import { labNames } from '../electron/core/labs/naming';
import { packTar, type TarInput } from '../electron/core/workspace/tar';
import { getToFile, putTar } from '../test/support/transfer-client';
import { connectBridge, type BridgeClient } from './bridge-client';
import { removeNamespace } from '../test/support/docker';
import { startServe } from '../test/support/serve';
import { benchNamespace, REPO } from './lab';
import { figure, type Figure } from './stats';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_FILE_RUNS ?? 5);
const WS = '/home/student/work';
const say = (msg: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} files: ${msg}\n`);

export async function fileFigures(): Promise<Figure[]> {
  const namespace = benchNamespace();
  const docker = new DockerClient({ socketPath: '/var/run/docker.sock' });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-files-'));
  const serve = await startServe({ ...process.env, CLASSLAB_HOME: path.join(tmp, 'home'), CLASSLAB_NAMESPACE: namespace }, path.join(REPO, 'dist', 'cli.js'));
  try {
    const url = new URL(serve.url);
    const bridge = { port: Number(url.port), token: new URLSearchParams(url.hash.slice(1)).get('token') ?? '' };
    const api = await connectBridge(bridge.port, bridge.token);
    say('opening the python lab');
    const opened = await api.invoke('labs:open', ['python']);
    if (!opened.ok) throw new Error(`labs:open failed: ${JSON.stringify(opened.error)}`);
    const container = labNames(namespace, 'python').container;
    const data = await makeData(tmp);
    const clean = async () => {
      const r = await execCollect(docker, container, ['sh', '-c', `rm -rf ${WS}/big.bin ${WS}/many && test ! -e ${WS}/many`], { user: '1000:1000' });
      if (r.code !== 0) throw new Error(`clean-up in the lab failed: ${r.out}`);
    };
    const ms = { up: [[], []], down: [[], []], upMany: [[], []], downMany: [[], []] } as Record<string, [number[], number[]]>;
    for (let i = 0; i < RUNS; i++) {
      say(`run ${i + 1} of ${RUNS}`);
      // Alternate who goes first, so neither side always meets a warm (or cold) cache.
      const order = i % 2 === 0 ? ['classlab', 'cp'] : ['cp', 'classlab'];
      for (const who of order) {
        await clean();
        // docker cp writes as root, which the lab user cannot delete: its copies get names of their own.
        const [big, many] = who === 'classlab' ? ['big.bin', 'many'] : [`big-cp-${i}.bin`, `many-cp-${i}`];
        const up = await timed(() =>
          who === 'classlab' ? upload(api, bridge.port, data.big) : run('docker', ['cp', data.big.file, `${container}:${WS}/${big}`]),
        );
        const out = path.join(tmp, `out-${who}-${i}.bin`);
        const down = await timed(() => (who === 'classlab' ? download(api, bridge.port, big, out) : run('docker', ['cp', `${container}:${WS}/${big}`, out])));
        if (statSync(out).size !== data.big.size) throw new Error(`${who} downloaded ${statSync(out).size} bytes, not ${data.big.size}`);
        rmSync(out, { force: true });
        const upMany = await timed(() =>
          who === 'classlab' ? upload(api, bridge.port, data.many) : run('docker', ['cp', data.many.dir, `${container}:${WS}/${many}`]),
        );
        const outMany = path.join(tmp, `out-${who}-${i}${who === 'classlab' ? '.zip' : ''}`);
        const downMany = await timed(() =>
          who === 'classlab' ? download(api, bridge.port, many, outMany) : run('docker', ['cp', `${container}:${WS}/${many}`, outMany]),
        );
        if (who === 'cp' && readdirSync(outMany).length !== 10) throw new Error('docker cp did not bring the folder back');
        rmSync(outMany, { recursive: true, force: true });
        const k = who === 'classlab' ? 0 : 1;
        ms.up![k].push(up);
        ms.down![k].push(down);
        ms.upMany![k].push(upMany);
        ms.downMany![k].push(downMany);
      }
    }
    api.close();
    return [
      figure('upload-200mb', 'ms', ms.up![0], ms.up![1], 'ratio <= 1.0'),
      figure('download-200mb', 'ms', ms.down![0], ms.down![1], 'ratio <= 1.0'),
      figure('upload-1000-files', 'ms', ms.upMany![0], ms.upMany![1], 'ratio <= 1.0'),
      figure('download-1000-files', 'ms', ms.downMany![0], ms.downMany![1], 'ratio <= 1.0'),
    ];
  } finally {
    say('cleaning up');
    await serve.stop();
    if (process.env.BENCH_DEBUG) process.stderr.write(serve.output());
    await removeNamespace(namespace);
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface Upload {
  /** The tar the upload sends (made beforehand, as a browser's Blob is). */
  tarFile: string;
  /** What the plan declares: every file and folder with its size. */
  declared: { path: string; kind: 'file' | 'folder'; size: number }[];
}

/** 200 MB of random bytes in one file, and 1,000 files of 1–8 KiB in ten folders. */
async function makeData(tmp: string): Promise<{ big: Upload & { file: string; size: number }; many: Upload & { dir: string } }> {
  const size = 200 * 1024 * 1024;
  const file = path.join(tmp, 'big.bin');
  writeFileSync(file, randomBytes(size));
  const dir = path.join(tmp, 'many');
  const entries: TarInput[] = [{ path: 'many', kind: 'directory' }];
  for (let d = 0; d < 10; d++) {
    mkdirSync(path.join(dir, `sub${d}`), { recursive: true });
    entries.push({ path: `many/sub${d}`, kind: 'directory' });
  }
  for (let i = 0; i < 1000; i++) {
    const rel = `sub${i % 10}/f${i}.dat`;
    const bytes = 1024 + ((i * 7919) % 7168);
    writeFileSync(path.join(dir, rel), randomBytes(bytes));
    entries.push({ path: `many/${rel}`, kind: 'file', size: bytes, open: () => createReadStream(path.join(dir, rel)) });
  }
  const declare = (list: TarInput[]) =>
    list.map((e) => ({
      path: e.path,
      kind: e.kind === 'directory' ? ('folder' as const) : ('file' as const),
      size: e.kind === 'file' && 'size' in e ? e.size : 0,
    }));
  const bigEntries: TarInput[] = [{ path: 'big.bin', kind: 'file', size, open: () => createReadStream(file) }];
  const tarOf = async (name: string, list: TarInput[]) => {
    const out = path.join(tmp, name);
    await pipeline(packTar(list), createWriteStream(out));
    return out;
  };
  return {
    big: { file, size, tarFile: await tarOf('big.tar', bigEntries), declared: declare(bigEntries) },
    many: { dir, tarFile: await tarOf('many.tar', entries), declared: declare(entries) },
  };
}

// The bytes go with curl, a native HTTP client as a browser's network stack is (and as the docker CLI is
// to the engine): a Node client here measured slower than the bridge it was measuring. Without curl, the
// Node client of the tests is used.
const CURL = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p)) ?? null;

async function upload(api: BridgeClient, port: number, data: Upload): Promise<void> {
  const plan = await api.invoke('files:uploadPlan', ['python', { dir: '', entries: data.declared }]);
  if (!plan.ok) throw new Error(`files:uploadPlan failed: ${JSON.stringify(plan.error)}`);
  const target = `${(plan.value as { path: string }).path}?clash=keep-both`;
  if (CURL) {
    const origin = `http://127.0.0.1:${port}`;
    await run(CURL, ['-sS', '--fail-with-body', '-T', data.tarFile, '-H', 'Content-Type: application/x-tar', '-H', `Origin: ${origin}`, `${origin}${target}`]);
    return;
  }
  const res = await putTar(port, (plan.value as { path: string }).path, createReadStream(data.tarFile, { highWaterMark: 1 << 20 }), {
    length: statSync(data.tarFile).size,
  });
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
}

async function download(api: BridgeClient, port: number, rel: string, dest: string): Promise<void> {
  const link = await api.invoke('files:downloadLink', ['python', rel]);
  if (!link.ok) throw new Error(`files:downloadLink failed: ${JSON.stringify(link.error)}`);
  const target = (link.value as { path: string }).path;
  if (CURL) {
    await run(CURL, ['-sS', '--fail-with-body', '-o', dest, `http://127.0.0.1:${port}${target}`]);
    return;
  }
  const res = await getToFile(port, target, dest);
  if (res.status !== 200) throw new Error(`download failed: ${res.status} ${res.text}`);
}

/**
 * Times one transfer. Dirty pages of the one before are written out first (`sync`, not timed): 200 MB
 * land on the workspace's disk image, and whoever came second otherwise pays for the first one's
 * write-back (seen here: the same docker cp took 1 s or 6.5 s).
 */
async function timed(work: () => Promise<unknown>): Promise<number> {
  await run('sync').catch(() => undefined);
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}
