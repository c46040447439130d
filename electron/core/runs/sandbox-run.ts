// One quick run on the engine: create the throw-away container, attach, start, feed it the code and
// stdin through its own stdin, collect capped output, stop it at the wall time or the output cap, learn
// how it ended (from the driver's guarded report as soon as it comes, else from Docker once the container
// exited), and remove it whatever happened (before the result, or just after it for a ClassLab that stays up).
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { RunResult } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Logger } from '../log';
import { driverInput, splitDriverReport, stdoutEndMark, trustedReport, type DriverReport } from './driver';
import { attachStdio } from '../engine/attach';
import { missingInitError } from '../engine/init-binary';
import { statusOf } from '../engine/inspect';
import { runBoxVolumeSpec, runContainerSpec, type RunSpecInput } from './run-spec';
import { decideVerdict } from './verdict';

/** Keeps the first `cap` bytes; the byte after them calls `overflow` once. `onWrite` hears every write. */
class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  over = false;
  onWrite: () => void = () => undefined;
  constructor(
    private readonly cap: number,
    private readonly overflow: () => void,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    const room = this.cap - this.size;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.chunks.push(part);
      this.size += part.length;
    }
    if (chunk.length > room && !this.over) {
      this.over = true;
      this.overflow();
    }
    done();
    this.onWrite();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  /** Whether the bytes kept end with `mark`. */
  endsWith(mark: Buffer): boolean {
    if (this.size < mark.length) return false;
    const last = this.chunks[this.chunks.length - 1]!;
    const end = last.length >= mark.length ? last.subarray(last.length - mark.length) : this.bytes().subarray(this.size - mark.length);
    return end.equals(mark);
  }
}

/** Room kept past the output cap for the driver's own lines (its stdout mark, its report on stderr). */
const DRIVER_ROOM = 256;

export interface SandboxRunInput extends Omit<RunSpecInput, 'runId'> {
  runId: string;
  code: string;
  stdin: string;
  signal?: AbortSignal;
  /**
   * Given, the container's removal is handed to it instead of awaited: the result comes before the
   * removal ends (a ClassLab that stays up; it awaits these before it closes). Absent, the run removes it
   * before it answers.
   */
  removal?: (removed: Promise<void>) => void;
}

/** The sandbox of a run without what the run brings (its code, stdin and stop signal). */
export type RunSandbox = Omit<SandboxRunInput, 'code' | 'stdin' | 'signal' | 'removal'>;

/**
 * A run's container made and attached, its /box volume with it; `started` when it is a spare (run-spares.ts)
 * whose driver already waits on its stdin for the header line. Nothing of any program is in it yet.
 */
export interface PreparedRun {
  readonly runId: string;
  /** Its /box volume's name. */
  readonly box: string;
  readonly container: Docker.Container;
  readonly started: boolean;
  readonly stream: NodeJS.ReadWriteStream;
  readonly out: CappedSink;
  readonly err: CappedSink;
  readonly drained: Promise<void>;
  readonly waited: Promise<{ StatusCode: number }>;
  /** Why ClassLab stopped it (the output cap, the wall time), or null. */
  killedFor(): 'output' | 'wall' | null;
  stop(why: 'output' | 'wall'): void;
}

export async function sandboxRun(docker: Docker, input: SandboxRunInput, log: Logger, spare: PreparedRun | null = null): Promise<Omit<RunResult, 'labId'>> {
  try {
    const prepared = spare ?? (await prepareRun(docker, input, false));
    return await finishRun(docker, prepared, input, log);
  } catch (err) {
    throw asRunError(err);
  }
}

/**
 * Makes a run's /box volume and container and attaches to it; `start` starts it too (a spare: the driver
 * then waits for its header line, and the run's wall time starts only when the input is sent). On failure
 * whatever was made is removed.
 */
export async function prepareRun(docker: Docker, sandbox: RunSandbox, start: boolean): Promise<PreparedRun> {
  const { limits } = sandbox;
  const box = runBoxVolumeSpec(sandbox);
  await removeRunBox(docker, box.Name);
  await docker.createVolume(box);
  let container: Docker.Container | null = null;
  try {
    container = await docker.createContainer(runContainerSpec(sandbox));
    const c = container;
    // The driver's line is a few dozen bytes after the program's own stderr: keep room for it.
    let killedFor: 'output' | 'wall' | null = null;
    const stop = (why: 'output' | 'wall') => {
      if (killedFor) return;
      killedFor = why;
      c.kill().catch(() => undefined); // gone already: nothing to stop
    };
    // Past the cap by more than the driver's room: stopped at once; within it, output-limit afterwards.
    const out = new CappedSink(limits.outputBytes + DRIVER_ROOM, () => stop('output'));
    const err = new CappedSink(limits.outputBytes + DRIVER_ROOM, () => stop('output'));
    const stream = await attachStdio(docker, c.id);
    const drained = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    // The program may never read its stdin (or exit first): a write to a closed pipe is not an error here.
    stream.on('error', () => undefined);
    c.modem.demuxStream(stream, out, err);
    // 'next-exit': the default ('not-running') answers at once for a container that has not started yet.
    const waited = c.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    waited.catch(() => undefined);
    if (start) await c.start();
    return { runId: sandbox.runId, box: box.Name, container: c, started: start, stream, out, err, drained, waited, killedFor: () => killedFor, stop };
  } catch (err) {
    await removeRun(docker, container, box.Name);
    throw err;
  }
}

/** Removes a prepared run that will not be used (a spare no run took). */
export async function discardRun(docker: Docker, prepared: PreparedRun): Promise<void> {
  prepared.stream.end();
  await removeRun(docker, prepared.container, prepared.box);
}

async function finishRun(docker: Docker, prepared: PreparedRun, input: SandboxRunInput, log: Logger): Promise<Omit<RunResult, 'labId'>> {
  const { limits } = input;
  const nonce = randomBytes(16).toString('hex');
  const c = prepared.container;
  const { out, err, stream, stop } = prepared;
  const endMark = stdoutEndMark(nonce);
  try {
    // Listening before the start: ClassLab may close while the engine starts the container (it runs
    // before the start call answers), and a stop asked for then must still reach it.
    let closed = false;
    const abort = () => {
      closed = true;
      stop('wall');
    };
    input.signal?.addEventListener('abort', abort);
    if (input.signal?.aborted) abort();
    let wall: NodeJS.Timeout | undefined;
    let fedAt = Date.now();
    // The driver's guarded report, once stdout's end mark and the report (the last bytes of stderr) are
    // both in: all output has come, and how the program ended is known without waiting for the engine to
    // tear the container down (measured: 120-200 ms here between the report and the end of a wait).
    let reportedAt = 0;
    const reported = new Promise<DriverReport>((resolve) => {
      const check = () => {
        if (reportedAt || !out.endsWith(endMark) || !err.endsWith(Buffer.from('\n'))) return;
        const { report } = splitDriverReport(err.bytes(), nonce);
        if (!trustedReport(report)) return;
        reportedAt = Date.now();
        resolve(report);
      };
      out.onWrite = check;
      err.onWrite = check;
    });
    let early: DriverReport | null = null;
    try {
      if (!prepared.started) await c.start();
      fedAt = Date.now();
      wall = setTimeout(() => stop('wall'), limits.wallSeconds * 1000);
      if (prepared.killedFor()) c.kill().catch(() => undefined); // a stop asked for while it started
      stream.write(driverInput(nonce, input.code, input.stdin));
      stream.end();
      early = await Promise.race([reported, prepared.waited.then(() => null)]);
    } finally {
      clearTimeout(wall);
      input.signal?.removeEventListener('abort', abort);
      out.onWrite = () => undefined;
      err.onWrite = () => undefined;
    }
    const endedAt = reportedAt || Date.now();
    // Stopped because ClassLab is closing: not a verdict on the program.
    if (closed) throw new LabError('CANCELLED', 'ClassLab closed while the program ran: run it again.');
    let state: { OOMKilled: boolean; ExitCode: number; StartedAt: string; FinishedAt: string } | null = null;
    if (!early) {
      // The last bytes may still be on their way: wait for the stream's end, briefly.
      await Promise.race([prepared.drained, new Promise((r) => setTimeout(r, 1000))]);
      state = (await c.inspect()).State;
    }
    const { stderr, report } = splitDriverReport(err.bytes(), nonce);
    const stdoutAll = out.bytes();
    const stdout = out.endsWith(endMark) ? stdoutAll.subarray(0, stdoutAll.length - endMark.length) : stdoutAll;
    let killedFor = prepared.killedFor();
    if ((stderr.length > limits.outputBytes || stdout.length > limits.outputBytes) && !killedFor) killedFor = 'output';
    // Without the engine's word (early), the guarded report's own: the cgroup's OOM kills, the driver's exit.
    const oomKilled = state ? state.OOMKilled : trustedReport(report) && report.oomKills > 0;
    const exitCode = state ? state.ExitCode : report.kind === 'ran' ? report.code : 1;
    const { verdict, note } = decideVerdict({ killedFor, oomKilled, exitCode, report, cpuSeconds: limits.cpuSeconds, memoryMiB: limits.memoryMiB });
    // A spare waited before its input came, and an early result has no engine times: its time is from the
    // input to the end, as the host saw it.
    const hostTime = prepared.started || !state;
    const started = hostTime ? fedAt : Date.parse(state!.StartedAt);
    const finished = hostTime ? endedAt : Date.parse(state!.FinishedAt);
    const peak = report.kind === 'ran' && report.peakBytes !== null ? report.peakBytes : null;
    return {
      runId: input.runId,
      verdict,
      stdout: stdout.subarray(0, limits.outputBytes).toString('utf8'),
      stderr: stderr.subarray(0, limits.outputBytes).toString('utf8'),
      exitCode: killedFor ? null : report.kind === 'ran' ? report.code : exitCode,
      timeMs: Number.isFinite(finished - started) && finished >= started ? finished - started : 0,
      memoryMiB: peak !== null ? Math.round((peak / (1024 * 1024)) * 10) / 10 : null,
      note,
    };
  } finally {
    // Whatever happened: no container or /box of this run stays behind. Force: after an early result the
    // driver may still be exiting.
    const removed = removeRun(docker, c, prepared.box).catch((e: Error) => log.warn('run container not removed', { error: e.message }));
    if (input.removal) input.removal(removed);
    else await removed;
  }
}

async function removeRun(docker: Docker, container: Docker.Container | null, box: string): Promise<void> {
  if (container) await container.remove({ force: true, v: true });
  await removeRunBox(docker, box).catch(() => undefined);
}

async function removeRunBox(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

function asRunError(err: unknown): LabError {
  if (err instanceof LabError) return err;
  const e = err as { statusCode?: number; message?: string };
  const noInit = missingInitError(e.message ?? '');
  if (noInit) return noInit;
  if (e.statusCode === 404) return new LabError('IMAGE_MISSING', `The lab's image is not on this computer: build it first. (${e.message ?? ''})`);
  return new LabError('START_FAILED', `The run's sandbox could not be started: ${e.message ?? String(err)}`);
}
