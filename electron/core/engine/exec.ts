// Running a fixed command in a container through Docker exec, and reading Docker's multiplexed output.
// One place for it: the core's checks, the sandbox helpers and the tests all use these.
import type Docker from 'dockerode';

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
