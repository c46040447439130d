// Running a fixed command in a container through Docker exec, and reading Docker's multiplexed output.
// One place for it: the core's checks, the sandbox helpers and the tests all use these.
import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Docker's multiplexed stream format (8-byte frame headers) to text; plain text passes through. */
export function demuxText(buf: Buffer): string {
  const chunks: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    chunks.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return (i === 0 ? buf : Buffer.concat(chunks)).toString('utf8');
}

/** The same, as non-empty lines. */
export function demuxLogs(buf: Buffer): string[] {
  return demuxText(buf)
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
}

export interface ExecOptions {
  user?: string;
  /** Also collect stderr (default: yes). */
  stderr?: boolean;
}

/** Runs a command (no TTY, no stdin) and returns its exit code and output. */
export async function execCollect(docker: Docker, container: string, cmd: string[], opts: ExecOptions = {}): Promise<{ code: number | null; out: string }> {
  const exec = await docker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: opts.stderr ?? true,
    ...(opts.user ? { User: opts.user } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return { code: info.ExitCode ?? null, out: demuxText(Buffer.concat(chunks)) };
}

/** Starts a command and returns at once. The engine's answer is closed, so no socket outlives the call. */
export async function execDetached(docker: Docker, container: string, cmd: string[], user?: string): Promise<void> {
  const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false, ...(user ? { User: user } : {}) });
  const response = (await exec.start({ Detach: true })) as unknown as { destroy?: () => void; resume?: () => void } | undefined;
  response?.resume?.();
  response?.destroy?.();
}

/**
 * Docker's exec stream multiplexes stdout and stderr with 8-byte headers: split them. A frame's body is
 * passed on as views of the chunks it arrived in, never copied: frames (tar's 10 KiB records) straddle the
 * socket's 64 KiB chunks, and joining the rest of one chunk to the next copied every byte of a download
 * once more (the download-200mb figure). Only a header that straddles two chunks is put together (8 bytes).
 */
export function demuxStream(stream: NodeJS.ReadableStream, stdout: PassThrough, onStderr: (text: string) => void): void {
  const header = Buffer.alloc(8);
  let headerHave = 0;
  let kind = 0;
  /** Bytes of the current frame's body still to come; 0 while a header is being read. */
  let bodyLeft = 0;
  let stderrParts: Buffer[] = [];
  let waiting = false;
  const source = stream as unknown as Readable;
  const toStdout = (payload: Buffer) => {
    // A reader that refused the archive destroys its side: drop the rest, so the exec can end (a
    // destroyed stream never drains, and waiting for it hung the transfer for good).
    // One wait at a time: the rest of this chunk's frames are written (buffered) before it resumes.
    if (!stdout.destroyed && !stdout.write(payload) && !waiting) {
      source.pause();
      waiting = true;
      const go = () => {
        stdout.off('drain', go);
        stdout.off('close', go);
        waiting = false;
        source.resume();
      };
      stdout.on('drain', go);
      stdout.on('close', go);
    }
  };
  stream.on('data', (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length) {
      if (bodyLeft === 0) {
        const take = Math.min(8 - headerHave, chunk.length - at);
        chunk.copy(header, headerHave, at, at + take);
        headerHave += take;
        at += take;
        if (headerHave < 8) break;
        headerHave = 0;
        kind = header[0]!;
        bodyLeft = header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(bodyLeft, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      at += take;
      bodyLeft -= take;
      if (kind === 1) toStdout(piece);
      else if (kind === 2) {
        // stderr is text: a character may straddle two pieces, so a frame is decoded whole.
        stderrParts.push(piece);
        if (bodyLeft === 0) {
          onStderr(Buffer.concat(stderrParts).toString('utf8'));
          stderrParts = [];
        }
      }
    }
  });
}

export interface ExecStreamOptions {
  user?: string;
  workingDir?: string;
}

export interface ExecOutput {
  /** The command's stdout. */
  stream: Readable;
  /** Resolves with the exit code and the end of stderr once the command has finished. */
  done: Promise<{ code: number | null; stderr: string }>;
}

/** Creates and starts an exec attached to its output (and stdin when asked): the connection and the exec. */
export async function attachExec(docker: Docker, container: string, cmd: string[], opts: ExecStreamOptions, stdin: boolean) {
  const exec = await docker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdin: stdin,
    AttachStdout: true,
    AttachStderr: true,
    ...(opts.user ? { User: opts.user } : {}),
    ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
  });
  return { exec, raw: await exec.start({ hijack: true, stdin }) };
}

/** Starts a command and hands out its stdout as a stream (a file's bytes, a tar), stderr kept aside. */
export async function execReading(docker: Docker, container: string, cmd: string[], opts: ExecStreamOptions = {}): Promise<ExecOutput> {
  const { exec, raw } = await attachExec(docker, container, cmd, opts, false);
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let stderr = '';
  demuxStream(raw, out, (t) => (stderr = (stderr + t).slice(-4000)));
  // A reader that stops early (a refused archive, a client gone) destroys `out`: end the command too.
  out.on('close', () => {
    if (!out.readableEnded) (raw as unknown as { destroy: () => void }).destroy();
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let settled = false;
    const finish = async (extra = '') => {
      if (settled) return;
      settled = true;
      out.end();
      const info = await exec.inspect().catch(() => null);
      resolve({ code: info?.ExitCode ?? null, stderr: `${stderr}${extra}` });
    };
    raw.on('end', () => void finish());
    raw.on('close', () => void finish());
    raw.on('error', (err: Error) => {
      out.destroy(err);
      void finish(err.message);
    });
  });
  return { stream: out, done };
}

/**
 * Runs a command with `input` as its stdin (half-closed at the end, so it sees EOF) and returns its exit
 * code. A cancelled or failed input cuts the connection: the command sees a truncated input and fails,
 * and the caller discards what it wrote.
 */
export async function execWriting(
  docker: Docker,
  container: string,
  cmd: string[],
  input: Readable,
  opts: ExecStreamOptions & { signal?: AbortSignal } = {},
): Promise<{ code: number | null; stderr: string }> {
  const { exec, raw } = await attachExec(docker, container, cmd, opts, true);
  const socket = raw as unknown as NodeJS.WritableStream & { end: () => void; destroy: (err?: Error) => void };
  let stderr = '';
  const sink = new PassThrough();
  demuxStream(raw, sink, (t) => (stderr = (stderr + t).slice(-4000)));
  sink.resume();
  const ended = new Promise<void>((resolve) => {
    raw.on('end', resolve);
    raw.on('close', resolve);
    raw.on('error', () => resolve());
  });
  let cut: Error | null = null;
  const cutOff = (err: Error) => {
    cut ??= err;
    socket.destroy();
  };
  const onAbort = () => cutOff(new Error('The transfer was cancelled.'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Piped as it comes: the exec's stdin is a plain byte stream (no frames), and the socket gathers the
    // chunks that queue while it is busy into one writev without copying them. Gathering them into 1 MiB
    // pieces first (as the archive API wants, engine/archive.ts) copied every byte once: measured on a
    // 200 MB upload, 1.48–1.66 s with the pieces against 1.16–1.28 s piped (the CLI's `docker exec -i`
    // 0.92–1.38 s).
    const through = new PassThrough({ highWaterMark: 1 << 20 });
    // pipeline() also sees an input that was destroyed before we got here (a refusal can come first).
    pipeline(input, through, () => undefined);
    through.pipe(socket, { end: false });
    try {
      await finished(through);
      socket.end();
    } catch (err) {
      cutOff(err as Error);
    }
    await ended;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (cut) throw cut;
  const info = await exec.inspect().catch(() => null);
  return { code: info?.ExitCode ?? null, stderr };
}

/**
 * Runs a command and returns stdout as bytes (NUL-separated listings survive; at most `maxBytes`) and
 * stderr as text, apart.
 */
export async function execCapture(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: ExecStreamOptions & { maxBytes?: number } = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const { stream, done } = await execReading(docker, container, cmd, opts);
  const max = opts.maxBytes ?? 64 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  const { code, stderr } = await done;
  return { code, stdout: Buffer.concat(chunks), stderr };
}
