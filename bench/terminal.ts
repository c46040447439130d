// terminal-echo-p99 and terminal-throughput: a terminal through ClassLab's transport (the bridge's
// WebSocket, flow control and all, as a browser tab gets it) against a raw dockerode exec with a TTY into
// the same container, in the same run.
//   echo: one keystroke into `cat > /dev/null` (the TTY echoes it) until its echo arrives; p99 over
//         ≥ 500 keystrokes, the two sides alternating. Target: ClassLab's p99 ≤ 10 ms.
//   throughput: 100 MB of output delivered to the client, in MB/s. Target: ratio ≥ 0.5.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectBridge } from './bridge-client';
import { startBridge } from '../electron/bridge/server';
import { labNames } from '../electron/core/labs/naming';
import { benchCore, benchNamespace, quiet, removeBenchVolumes } from './lab';
import { fromValues, median, percentile, type Figure } from './stats';
import DockerClient from 'dockerode';

const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 600);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const VOLUME = 100_000_000;
const END = '__classlab_bench_end__';
const say = (msg: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} terminal: ${msg}\n`);
/** Prints 100 MB (plus the TTY's \r per line), then the end mark (split so its echo cannot match). */
const FLOOD = `yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ | head -c ${VOLUME}; echo; echo ${END.slice(0, 8)}""${END.slice(8)}\r`;

/** A terminal seen from a client: write, and wait for output matching a test. */
interface Side {
  write(data: string): void;
  /** Resolves when the output received since the call satisfies `done`. */
  until(done: (since: string, bytes: number) => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function terminalFigures(): Promise<Figure[]> {
  const namespace = benchNamespace();
  const core = await benchCore(namespace);
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
  const bridge = await startBridge({ core, staticDir, port: 0, log: quiet });
  const docker = new DockerClient({ socketPath: '/var/run/docker.sock' });
  try {
    say('opening the python lab');
    await core.service['labs:open']('python');
    const container = labNames(namespace, 'python').container;
    const ours = await bridgeSide(bridge.port, bridge.token);
    const raw = await rawSide(docker, container);
    for (const side of [ours, raw]) {
      side.write('stty cols 200 rows 50; cat > /dev/null\r');
      await side.until((s) => s.includes('/dev/null'));
      await new Promise((r) => setTimeout(r, 300));
    }

    say(`echo: ${KEYSTROKES} keystrokes each way`);
    const oursMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      const key = String.fromCharCode(97 + (i % 26));
      for (const [side, into] of [
        [ours, oursMs],
        [raw, rawMs],
      ] as const) {
        const t = performance.now();
        const echoed = side.until((s) => s.includes(key));
        side.write(key);
        await echoed;
        into.push(performance.now() - t);
      }
      if (i % 100 === 99) {
        // Keep lines short: a newline hands the line to cat, which drops it.
        for (const side of [ours, raw]) {
          const done = side.until((s) => s.includes('\n'));
          side.write('\r');
          await done;
        }
      }
    }
    for (const side of [ours, raw]) {
      const back = side.until((s) => /\$ $/.test(s));
      side.write('\u0003');
      await back;
    }

    say(`throughput: ${RUNS} × ${VOLUME / 1e6} MB each way`);
    const oursRate: number[] = [];
    const rawRate: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [side, into] of [
        [ours, oursRate],
        [raw, rawRate],
      ] as const) {
        const t = performance.now();
        let total = 0;
        const done = side.until((s, bytes) => {
          total = bytes;
          return s.includes(`${END}\r\n`) || s.slice(-200).includes(END);
        });
        side.write(FLOOD);
        await done;
        into.push(total / 1e6 / ((performance.now() - t) / 1000));
      }
    }
    say('closing');
    await ours.close();
    await raw.close();
    return [
      fromValues('terminal-echo-p99', 'ms', percentile(oursMs, 99), percentile(rawMs, 99), oursMs.length, 'classlab p99 <= 10 ms'),
      fromValues('terminal-throughput', 'MB/s', median(oursRate), median(rawRate), oursRate.length, 'ratio >= 0.5'),
    ];
  } finally {
    say('cleaning up');
    await bridge.close();
    say('bridge closed');
    await core.service['labs:reset']('python').catch(() => undefined);
    say('reset');
    await core.close();
    say('core closed');
    await removeBenchVolumes(docker, namespace);
    say('volumes removed');
  }
}

/** ClassLab's side: a WebSocket client of the bridge that acknowledges output as a fast view would. */
async function bridgeSide(port: number, token: string): Promise<Side> {
  const api = await connectBridge(port, token);
  const watcher = outputWatcher();
  let terminalId = '';
  api.onEvent((event, payload) => {
    const p = payload as { terminalId: string; data: string };
    if (event === 'terminal:data' && p.terminalId === terminalId) {
      watcher.take(p.data);
      api.send('terminal:ack', [terminalId, p.data.length]);
    }
  });
  api.subscribe('terminal:data');
  const opened = await api.invoke('terminal:open', ['python', { cols: 200, rows: 50 }]);
  if (!opened.ok) throw new Error(`terminal:open failed: ${JSON.stringify(opened)}`);
  terminalId = (opened.value as { terminalId: string }).terminalId;
  return {
    write: (data) => api.send('terminal:write', [terminalId, data]),
    until: watcher.until,
    close: async () => {
      await api.invoke('terminal:close', [terminalId]);
      api.close();
    },
  };
}

/** The baseline: dockerode's exec with a TTY, read directly. */
async function rawSide(docker: Docker, container: string): Promise<Side> {
  const exec = await docker.getContainer(container).exec({
    Cmd: ['bash', '-l'],
    User: '1000:1000',
    Env: ['TERM=xterm-256color', 'LANG=C.UTF-8'],
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
  await exec.resize({ h: 50, w: 200 });
  const watcher = outputWatcher();
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => watcher.take(chunk));
  return {
    write: (data) => void stream.write(data),
    until: watcher.until,
    close: async () => {
      stream.write('exit\r');
      stream.destroy();
    },
  };
}

function outputWatcher() {
  let waiting: { since: string; bytes: number; done: (s: string, b: number) => boolean; resolve: () => void } | null = null;
  return {
    take(data: string) {
      if (!waiting) return;
      waiting.bytes += data.length;
      // Keep only a tail: a 100 MB flood must not be held in memory by the benchmark itself.
      waiting.since = (waiting.since + data).slice(-4096);
      if (waiting.done(waiting.since, waiting.bytes)) {
        const w = waiting;
        waiting = null;
        w.resolve();
      }
    },
    until(done: (since: string, bytes: number) => boolean): Promise<void> {
      return new Promise((resolve) => {
        waiting = { since: '', bytes: 0, done, resolve };
      });
    },
  };
}
