// One quick run on the engine: create the throw-away container, attach, start, feed it the code and
// stdin through its own stdin, collect capped output, stop it at the wall time or the output cap, read
// what Docker says about how it ended, and remove it whatever happened.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { RunResult } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Logger } from '../log';
import { driverInput, splitDriverReport } from './driver';
import { attachStdio } from '../engine/attach';
import { missingInitError } from '../engine/init-binary';
import { withRunBox } from './run-box';
import { runContainerSpec, type RunSpecInput } from './run-spec';
import { decideVerdict } from './verdict';

/** Keeps the first `cap` bytes; the byte after them calls `overflow` once. */
class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  over = false;
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
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export interface SandboxRunInput extends Omit<RunSpecInput, 'runId'> {
  runId: string;
  code: string;
  stdin: string;
  signal?: AbortSignal;
}

export async function sandboxRun(docker: Docker, input: SandboxRunInput, log: Logger): Promise<Omit<RunResult, 'labId'>> {
  try {
    return await withRunBox(docker, input, () => runInBox(docker, input, log));
  } catch (err) {
    throw asRunError(err);
  }
}

async function runInBox(docker: Docker, input: SandboxRunInput, log: Logger): Promise<Omit<RunResult, 'labId'>> {
  const { limits } = input;
  const nonce = randomBytes(16).toString('hex');
  let container: Docker.Container | null = null;
  try {
    container = await docker.createContainer(runContainerSpec(input));
    const c = container;
    // The driver's line is a few dozen bytes after the program's own stderr: keep room for it.
    let killedFor: 'output' | 'wall' | null = null;
    const stop = (why: 'output' | 'wall') => {
      if (killedFor) return;
      killedFor = why;
      c.kill().catch(() => undefined); // gone already: nothing to stop
    };
    const out = new CappedSink(limits.outputBytes, () => stop('output'));
    const err = new CappedSink(limits.outputBytes + 256, () => stop('output'));
    const stream = await attachStdio(docker, c.id);
    const drained = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    c.modem.demuxStream(stream, out, err);
    // 'next-exit': the default ('not-running') answers at once for a container that has not started yet.
    const waited = c.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
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
    try {
      await c.start();
      wall = setTimeout(() => stop('wall'), limits.wallSeconds * 1000);
      if (killedFor) c.kill().catch(() => undefined); // a stop asked for while it started
      // The program may never read its stdin (or exit first): a write to a closed pipe is not an error here.
      stream.on('error', () => undefined);
      stream.write(driverInput(nonce, input.code, input.stdin));
      stream.end();
      await waited;
    } finally {
      clearTimeout(wall);
      input.signal?.removeEventListener('abort', abort);
    }
    // Stopped because ClassLab is closing: not a verdict on the program.
    if (closed) throw new LabError('CANCELLED', 'ClassLab closed while the program ran: run it again.');
    // The last bytes may still be on their way: wait for the stream's end, briefly.
    await Promise.race([drained, new Promise((r) => setTimeout(r, 1000))]);
    const state = (await c.inspect()).State;
    const { stderr, report } = splitDriverReport(err.bytes(), nonce);
    const stderrCapped = stderr.subarray(0, limits.outputBytes);
    if (stderr.length > limits.outputBytes && !killedFor) killedFor = 'output';
    const { verdict, note } = decideVerdict({
      killedFor,
      oomKilled: state.OOMKilled,
      exitCode: state.ExitCode,
      report,
      cpuSeconds: limits.cpuSeconds,
      memoryMiB: limits.memoryMiB,
    });
    const started = Date.parse(state.StartedAt);
    const finished = Date.parse(state.FinishedAt);
    const peak = report.kind === 'ran' && report.peakBytes !== null ? report.peakBytes : null;
    return {
      runId: input.runId,
      verdict,
      stdout: out.bytes().toString('utf8'),
      stderr: stderrCapped.toString('utf8'),
      exitCode: killedFor ? null : report.kind === 'ran' ? report.code : state.ExitCode,
      timeMs: Number.isFinite(finished - started) && finished >= started ? finished - started : 0,
      memoryMiB: peak !== null ? Math.round((peak / (1024 * 1024)) * 10) / 10 : null,
      note,
    };
  } finally {
    // Whatever happened: no container of this run stays behind.
    if (container) await container.remove({ force: true, v: true }).catch((e: Error) => log.warn('run container not removed', { error: e.message }));
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
