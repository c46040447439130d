// Attacks 1–3 and 6: fork bombs, memory bombs, CPU burn, runaway notebook output. Each first checks that
// the limit that should hold is in force (a bomb is never set off in a lab without its limit), is
// time-boxed inside the lab (timeout -s KILL), and watches the host while it runs.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type Docker from 'dockerode';
import { formatMiB } from '../../../api/units';
import { explainEvent } from '../../sandbox/explain';
import { sleep } from '../../labs/readiness';
import { notebookAnswers } from '../../labs/readiness';
import { KernelClient } from '../kernel';
import type { AuditLab } from '../lab';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

const CGROUP_READ = (v1: string, v2: string) => `cat /sys/fs/cgroup/${v1} 2>/dev/null || cat /sys/fs/cgroup/${v2} 2>/dev/null`;

async function stats(docker: Docker, container: string): Promise<Docker.ContainerStats | null> {
  try {
    return (await docker.getContainer(container).stats({ stream: false })) as unknown as Docker.ContainerStats;
  } catch {
    return null;
  }
}

/** Watches this process and the engine while a bomb runs: the worst event-loop delay and Docker ping. */
function watchHost(docker: Docker): { stop: () => Promise<{ loopLagMs: number; pingMs: number; pings: number }> } {
  let loopLag = 0;
  let pingWorst = 0;
  let pings = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    loopLag = Math.max(loopLag, now - last - 100);
    last = now;
  }, 100);
  let running = true;
  const pinging = (async () => {
    while (running) {
      const t = performance.now();
      await docker.ping().catch(() => undefined);
      pingWorst = Math.max(pingWorst, performance.now() - t);
      pings += 1;
      await sleep(250);
    }
  })();
  return {
    stop: async () => {
      running = false;
      clearInterval(tick);
      await pinging;
      return { loopLagMs: Math.round(loopLag), pingMs: Math.round(pingWorst), pings };
    },
  };
}

async function pidsNow(lab: AuditLab): Promise<number | null> {
  const r = await lab.sh(CGROUP_READ('pids/pids.current', 'pids.current'), { timeoutSeconds: 10 });
  const n = Number(r.out.trim());
  return r.code === 0 && Number.isFinite(n) ? n : null;
}

/**
 * How far above pids.max the count may read while the limit holds: the kernel refuses forks past the
 * limit but not a process moved into the cgroup, and every `docker exec` (the idle watcher's probe, a
 * terminal, this check's own reads) joins the lab that way. A bomb that got past the limit would read
 * hundreds over, not a handful.
 */
const MOVED_IN_SLACK = 16;

/** How many forks the kernel refused at the limit (pids.events "max N"), or null where it is not readable. */
async function forksRefused(lab: AuditLab): Promise<number | null> {
  const r = await lab.sh(CGROUP_READ('pids/pids.events', 'pids.events'), { timeoutSeconds: 10 });
  const m = /^max (\d+)$/m.exec(r.out);
  return r.code === 0 && m ? Number(m[1]) : null;
}

/** After a bomb: wait until new commands run in the lab again and the process count is back down. */
async function recovery(lab: AuditLab, baseline: number, seconds = 30): Promise<{ ok: boolean; pids: number | null; waitedMs: number }> {
  const started = Date.now();
  let pids: number | null = null;
  while (Date.now() - started < seconds * 1000) {
    const r = await lab.sh('echo alive', { timeoutSeconds: 5 }).catch(() => null);
    if (r?.out.includes('alive')) {
      pids = await pidsNow(lab);
      if (pids !== null && pids <= baseline + 5) return { ok: true, pids, waitedMs: Date.now() - started };
      // Leftover bomb processes: end them as the student could (the lab user's own processes only).
      await lab.sh(`pkill -KILL -u "$(id -u)" -f 'classlab.bomb' ; true`, { timeoutSeconds: 5 }).catch(() => null);
    }
    await sleep(500);
  }
  return { ok: false, pids, waitedMs: Date.now() - started };
}

async function forkBomb(ctx: AuditContext, label: string, program: string[]): Promise<AttackResult> {
  const { lab, docker, profile } = ctx;
  const attack = `1. Fork bomb (${label})`;
  const info = await lab.inspect();
  const limit = info?.HostConfig.PidsLimit ?? 0;
  const inLab = await lab.sh(CGROUP_READ('pids/pids.max', 'pids.max'), { timeoutSeconds: 10 });
  if (!limit || limit <= 0 || inLab.out.trim() !== String(limit)) {
    return {
      attack,
      blocked: false,
      evidence: `Not run: the process limit is not in force (container PidsLimit ${limit}, cgroup pids.max "${inLab.out.trim()}").`,
    };
  }
  const baseline = (await pidsNow(lab)) ?? 0;
  const watch = watchHost(docker);
  const bomb = lab.exec(program, { timeoutSeconds: 8 });
  await sleep(4000);
  const during = await stats(docker, lab.container);
  const statusDuring = await notebookAnswers(lab.base, lab.token, 5000);
  const ran = await bomb;
  const host = await watch.stop();
  const rec = await recovery(lab, baseline);
  const peak = during?.pids_stats?.current ?? null;
  const refused = await forksRefused(lab);
  const notebookAfter = await notebookAnswers(lab.base, lab.token, 5000);
  const hostOk = host.loopLagMs < 1000 && host.pingMs < 3000;
  const held = peak !== null && peak <= limit + MOVED_IN_SLACK && refused !== 0;
  const blocked = Boolean(held && rec.ok && hostOk && notebookAfter);
  return {
    attack,
    blocked,
    evidence:
      `Process limit ${limit} (profile ${profile.resources.pids}); processes during the bomb: ${peak ?? 'unknown'}` +
      `${peak !== null && peak > limit && peak <= limit + MOVED_IN_SLACK ? ' (over the limit by processes docker exec moved in, which the kernel does not refuse)' : ''}; ` +
      `forks refused at the limit: ${refused ?? 'not readable'}; ` +
      `bomb ended by its 8 s time box (${ran.timedOut ? 'the host gave up waiting' : `exit ${ran.code}${ran.code === 137 ? ', SIGKILL to its process group' : ''}`}). ` +
      `Host stayed responsive: worst event-loop delay ${host.loopLagMs} ms, worst Docker ping ${host.pingMs} ms over ${host.pings} pings; ` +
      `notebook answered during the bomb: ${statusDuring ? 'yes' : 'no'}, after: ${notebookAfter ? 'yes' : 'no'}. ` +
      `Lab recovered in ${(rec.waitedMs / 1000).toFixed(1)} s (processes back to ${rec.pids ?? 'unknown'}, baseline ${baseline}).`,
  };
}

/** Watches Docker events of one container for `oom`. */
async function watchOom(docker: Docker, container: string): Promise<{ count: () => number; stop: () => void }> {
  let count = 0;
  const stream = (await docker.getEvents({ filters: { type: ['container'], container: [container], event: ['oom'] } })) as NodeJS.ReadableStream & {
    destroy?: () => void;
  };
  stream.on('data', (chunk: Buffer) => {
    count += chunk
      .toString()
      .split('\n')
      .filter((l) => l.includes('"oom"')).length;
  });
  stream.on('error', () => undefined);
  return {
    count: () => count,
    stop: () => {
      stream.removeAllListeners('data');
      stream.destroy?.();
      (stream as unknown as { socket?: { destroy: () => void } }).socket?.destroy();
    },
  };
}

/** The kernel's count of OOM kills in the lab's memory cgroup (v1 memory.oom_control, v2 memory.events); null where unread. */
async function oomKills(ctx: AuditContext): Promise<number | null> {
  const r = await ctx.lab.sh(`{ ${CGROUP_READ('memory/memory.oom_control', 'memory.events')}; } | sed -n 's/^oom_kill //p'`, { timeoutSeconds: 10 });
  const n = Number(r.out.trim());
  return r.code === 0 && r.out.trim() !== '' && Number.isFinite(n) ? n : null;
}

async function memoryLimitInForce(ctx: AuditContext): Promise<string | null> {
  const info = await ctx.lab.inspect();
  const memory = info?.HostConfig.Memory ?? 0;
  const swap = info?.HostConfig.MemorySwap ?? 0;
  const inLab = await ctx.lab.sh(CGROUP_READ('memory/memory.limit_in_bytes', 'memory.max'), { timeoutSeconds: 10 });
  if (!memory || inLab.out.trim() !== String(memory)) return `the memory limit is not in force (container Memory ${memory}, cgroup "${inLab.out.trim()}")`;
  if (swap !== memory) return `swap is not limited (MemorySwap ${swap} ≠ Memory ${memory})`;
  return null;
}

async function memoryBombTerminal(ctx: AuditContext): Promise<AttackResult> {
  const { lab, docker, profile } = ctx;
  const attack = '2. Memory bomb (terminal)';
  const notInForce = await memoryLimitInForce(ctx);
  if (notInForce) return { attack, blocked: false, evidence: `Not run: ${notInForce}.` };
  const oom = await watchOom(docker, lab.container);
  const killsBefore = await oomKills(ctx);
  const watch = watchHost(docker);
  const r = await lab.py('a = []\nwhile True:\n    a.append(bytearray(32 << 20))  # classlab-bomb', { timeoutSeconds: 60 });
  const host = await watch.stop();
  await sleep(1000);
  oom.stop();
  const info = await lab.inspect();
  const running = info?.State.Status === 'running';
  const notebook = await notebookAnswers(lab.base, lab.token, 5000);
  const explanation = explainEvent({ Action: 'oom' }, profile, running);
  // Podman's events API reports no OOM kill of a process other than the container's first (measured on
  // 4.3): there the kernel's own count in the lab's memory cgroup is the evidence that its limit acted.
  const killsAfter = ctx.engineKind === 'podman' ? await oomKills(ctx) : null;
  const kernelKilled = killsBefore !== null && killsAfter !== null && killsAfter > killsBefore;
  const blocked = r.code === 137 && running && notebook && (oom.count() > 0 || kernelKilled);
  return {
    attack,
    blocked,
    evidence:
      `Limit ${formatMiB(profile.resources.memoryMiB)}, no extra swap. The bomb was ended by the kernel (exit ${r.code}${r.code === 137 ? ', SIGKILL' : ''}) after ${(r.ms / 1000).toFixed(1)} s; ` +
      (killsAfter !== null ? `the lab's memory cgroup counted ${killsAfter - (killsBefore ?? 0)} OOM kill(s); ` : '') +
      `the engine reported ${oom.count()} out-of-memory event(s); the lab kept running: ${running ? 'yes' : 'no'}; notebook answered: ${notebook ? 'yes' : 'no'}; ` +
      `host: worst event-loop delay ${host.loopLagMs} ms, Docker ping ${host.pingMs} ms. ClassLab says: "${explanation?.message ?? ''}"`,
  };
}

async function memoryBombKernel(ctx: AuditContext): Promise<AttackResult> {
  const { lab, docker, profile } = ctx;
  const attack = '2. Memory bomb (notebook kernel)';
  const notInForce = await memoryLimitInForce(ctx);
  if (notInForce) return { attack, blocked: false, evidence: `Not run: ${notInForce}.` };
  const oom = await watchOom(docker, lab.container);
  const kernel = new KernelClient(lab.base, lab.token);
  try {
    await kernel.start();
    const warm = await kernel.run('print(6*7)', 30_000);
    const bomb = await kernel.run('a = []\nwhile True:\n    a.append(bytearray(32 << 20))', 60_000);
    // The notebook server notices the dead kernel and starts a new one; the page reconnects to it.
    let state: string | null = null;
    let answered = false;
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && !answered) {
      await sleep(1500);
      state = await kernel.state();
      const again = await kernel
        .reconnect()
        .then(() => kernel.run('print(6*7)', 10_000))
        .catch(() => null);
      answered = Boolean(again?.text.includes('42'));
    }
    oom.stop();
    const info = await lab.inspect();
    const running = info?.State.Status === 'running';
    const notebook = await notebookAnswers(lab.base, lab.token, 5000);
    const explanation = explainEvent({ Action: 'oom' }, profile, running);
    const blocked = warm.text.includes('42') && bomb.kernelDied && running && notebook && answered;
    return {
      attack,
      blocked,
      evidence:
        `Limit ${formatMiB(profile.resources.memoryMiB)}. The kernel died (${bomb.kernelDied ? `states ${bomb.states.join('→')}` : 'it did not die'}); ` +
        `Docker reported ${oom.count()} out-of-memory event(s); the notebook server kept running: ${running && notebook ? 'yes' : 'no'}; ` +
        `the restarted kernel ran print(6*7) → 42: ${answered ? 'yes' : `no (state ${state})`}. ClassLab says: "${explanation?.message ?? ''}"`,
    };
  } catch (err) {
    oom.stop();
    return { attack, blocked: false, evidence: `Could not run: ${(err as Error).message}` };
  } finally {
    await kernel.close();
  }
}

async function cpuBurn(ctx: AuditContext): Promise<AttackResult> {
  const { lab, docker, profile } = ctx;
  const attack = '3. CPU burn on all cores';
  const info = await lab.inspect();
  const nano = info?.HostConfig.NanoCpus ?? 0;
  if (!nano) return { attack, blocked: false, evidence: 'Not run: no CPU limit on the container.' };
  const engineCpus = ((await docker.info().catch(() => ({}))) as { NCPU?: number }).NCPU ?? os.cpus().length;
  const workers = Math.max(2, engineCpus * 2);
  const burn = lab.sh(`for i in $(seq ${workers}); do (while :; do :; done) & done; wait # classlab-bomb`, { timeoutSeconds: 12 });
  await sleep(2500);
  const a = await stats(docker, lab.container);
  const t0 = performance.now();
  await sleep(4000);
  const b = await stats(docker, lab.container);
  const seconds = (performance.now() - t0) / 1000;
  await burn;
  await recovery(lab, 0, 10).catch(() => undefined);
  const used = a && b ? (b.cpu_stats.cpu_usage.total_usage - a.cpu_stats.cpu_usage.total_usage) / 1e9 : null;
  // The stats calls themselves take about a second each: use the samples' own read times when present.
  const span =
    a && b && (a as unknown as { read?: string }).read && (b as unknown as { read?: string }).read
      ? (Date.parse((b as unknown as { read: string }).read) - Date.parse((a as unknown as { read: string }).read)) / 1000
      : seconds;
  const cores = used !== null && span > 0 ? used / span : null;
  const limit = nano / 1e9;
  const blocked = cores !== null && cores <= limit * 1.1 + 0.05;
  return {
    attack,
    blocked,
    evidence: `${workers} busy loops on an engine with ${engineCpus} CPUs; the lab used ${cores === null ? 'unknown' : cores.toFixed(2)} CPUs over ${span.toFixed(1)} s (limit ${limit}, profile ${profile.resources.cpus}).`,
  };
}

async function runawayOutput(ctx: AuditContext): Promise<AttackResult> {
  const { lab, docker, profile } = ctx;
  const attack = '6. Runaway output (notebook cell)';
  const kernel = new KernelClient(lab.base, lab.token);
  const rssBefore = process.memoryUsage().rss;
  const seconds = 8;
  let peakMiB = 0;
  let statusOk = true;
  let statusMs = 0;
  try {
    await kernel.start();
    const flood = kernel.run("import sys\nwhile True:\n    sys.stdout.write('x' * 1000 + '\\n')", seconds * 1000);
    const sampling = (async () => {
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        const s = await stats(docker, lab.container);
        peakMiB = Math.max(peakMiB, (s?.memory_stats?.usage ?? 0) / (1024 * 1024));
        const t = performance.now();
        const ok = await notebookAnswers(lab.base, lab.token, 5000);
        statusMs = Math.max(statusMs, Math.round(performance.now() - t));
        statusOk &&= ok;
      }
    })();
    const out = await flood;
    await sampling;
    const interrupted = await kernel.interrupt().catch(() => false);
    let after = await kernel.run('print(6*7)', 20_000).catch(() => null);
    if (!after?.text.includes('42')) after = await kernel.run('print(6*7)', 20_000).catch(() => null);
    const info = await lab.inspect();
    const running = info?.State.Status === 'running';
    const notebook = await notebookAnswers(lab.base, lab.token, 5000);
    const rssAfter = process.memoryUsage().rss;
    const mb = out.bytes / 1e6;
    const bounded = mb <= seconds * 3 + 5;
    const blocked = bounded && statusOk && running && notebook && Boolean(after?.text.includes('42'));
    return {
      attack,
      blocked,
      evidence:
        `A cell printed without end for ${seconds} s: ${mb.toFixed(1)} MB reached the client in ${out.messages} messages (the notebook server stops forwarding above its IOPub rate limit); ` +
        `the lab's memory peaked at ${peakMiB.toFixed(0)} MiB of ${formatMiB(profile.resources.memoryMiB)}; the notebook answered throughout: ${statusOk ? 'yes' : 'no'} (slowest ${statusMs} ms); ` +
        `kernel ${out.kernelDied ? 'died' : 'kept running'}; interrupt ${interrupted ? 'worked' : 'failed'}; afterwards the lab ${running ? 'still ran' : `had STOPPED${info?.State.OOMKilled ? ' (out of memory)' : ''}`}, ` +
        `the notebook ${notebook ? 'answered' : 'did NOT answer'}, and print(6*7) gave ${after?.text.trim() || 'nothing'}; this process grew by ${((rssAfter - rssBefore) / 1e6).toFixed(0)} MB. ` +
        `(The terminal part of this attack belongs to the terminal's own tests.)`,
    };
  } catch (err) {
    const info = await lab.inspect().catch(() => null);
    return {
      attack,
      blocked: false,
      evidence: `Could not finish: ${(err as Error).message}; lab memory peaked at ${peakMiB.toFixed(0)} MiB; lab ${info?.State.Status ?? 'gone'}${info?.State.OOMKilled ? ' (out of memory)' : ''}.`,
    };
  } finally {
    await kernel.close();
  }
}

export const resourceAttacks: AuditAttack[] = [
  { id: 'cpu-burn', number: 3, run: async (ctx) => [await cpuBurn(ctx)] },
  { id: 'runaway-output', number: 6, run: async (ctx) => [await runawayOutput(ctx)] },
  { id: 'memory-bomb', number: 2, run: async (ctx) => [await memoryBombKernel(ctx), await memoryBombTerminal(ctx)] },
  {
    id: 'fork-bomb',
    number: 1,
    run: async (ctx) => [
      // The shell waits after lighting the bomb, so the time box ends the whole process group.
      await forkBomb(ctx, 'shell', ['bash', '-c', 'classlab_bomb() { classlab_bomb | classlab_bomb & }; classlab_bomb; sleep 60']),
      await forkBomb(ctx, 'Python', [
        'python3',
        '-c',
        'import os  # classlab-bomb\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass',
      ]),
    ],
  },
];
