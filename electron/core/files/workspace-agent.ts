// One long-lived shell in the lab (or its files helper) that runs the workspace script on request. A
// Docker exec costs 50–80 ms here before the command even starts; an upload needs two of them, a
// download one, and the file list one every few seconds. Through the agent an operation costs a fork.
//
// Requests go down its stdin, one line each: the arguments, each ended by NUL, in base64 (paths never hold
// NUL; a line cannot be split by a name). The agent decodes them into a file, hands them to the script
// with `xargs -0` (so no name ever becomes shell syntax), and answers with a line "code outBytes
// errBytes" and then the bytes. Everything runs as the lab user, exactly as a one-off exec would.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { attachExec, demuxStream } from '../engine/exec';
import type { Logger } from '../log';

const AGENT = String.raw`
set -u
D=$(mktemp -d) || exit 1
trap 'rm -rf "$D"' EXIT
export D SCRIPT="$1"
while IFS= read -r req; do
  : > "$D/code"
  if printf '%s' "$req" | base64 -d > "$D/args" 2>/dev/null; then
    xargs -0 -a "$D/args" sh -c 'sh -c "$SCRIPT" classlab-files "$@"; printf %d $? > "$D/code"' classlab-agent > "$D/out" 2> "$D/err" < /dev/null
  else
    printf 'bad request' > "$D/err"; : > "$D/out"; printf 96 > "$D/code"
  fi
  printf '%s %d %d\n' "$(cat "$D/code")" "$(wc -c < "$D/out")" "$(wc -c < "$D/err")"
  cat "$D/out" "$D/err"
done
`;

/** xargs could split a longer argument list into two runs of the script: such requests go by exec. */
export const AGENT_MAX_REQUEST_BYTES = 96 * 1024;
const REQUEST_TIMEOUT_MS = 120_000;

export interface AgentAnswer {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

interface Pending {
  resolve(answer: AgentAnswer): void;
  reject(err: Error): void;
}

export class WorkspaceAgent {
  private started: Promise<void> | null = null;
  private input: NodeJS.WritableStream | null = null;
  private connection: { destroy(): void } | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: Pending[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private dead = false;

  constructor(
    private readonly docker: Docker,
    readonly container: string,
    private readonly user: string,
    private readonly workingDir: string,
    private readonly script: string,
    private readonly log: Logger,
  ) {}

  /** Whether it can still take requests (it ends with its container). */
  get alive(): boolean {
    return !this.dead;
  }

  /** Runs the script with these arguments; requests run one at a time, in order. */
  run(args: string[]): Promise<AgentAnswer> {
    const next = this.queue.then(() => this.send(args));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.dead = true;
    this.connection?.destroy();
    this.failAll(new Error('The workspace agent was closed.'));
  }

  private async send(args: string[]): Promise<AgentAnswer> {
    if (this.dead) throw new Error('The workspace agent has ended.');
    this.started ??= this.start();
    await this.started;
    return new Promise<AgentAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log.warn('workspace agent timed out; it is restarted at the next request', { container: this.container });
        this.close();
      }, REQUEST_TIMEOUT_MS);
      this.waiting.push({
        resolve: (a) => (clearTimeout(timer), resolve(a)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      // Each argument NUL-terminated: an empty last argument (the workspace root, '') must survive xargs.
      this.input!.write(`${Buffer.from(args.map((a) => `${a}\0`).join('')).toString('base64')}\n`);
    });
  }

  private async start(): Promise<void> {
    const { raw } = await attachExec(
      this.docker,
      this.container,
      ['sh', '-c', AGENT, 'classlab-agent', this.script],
      { user: this.user, workingDir: this.workingDir },
      true,
    );
    this.input = raw as unknown as NodeJS.WritableStream;
    this.connection = raw as unknown as { destroy(): void };
    const out = new PassThrough();
    demuxStream(raw, out, (text) => this.log.warn('workspace agent said', { container: this.container, text: text.slice(0, 300) }));
    out.on('data', (chunk: Buffer) => this.take(chunk));
    const ended = () => {
      this.dead = true;
      this.failAll(new Error('The workspace agent ended (the lab stopped?).'));
    };
    raw.on('end', ended);
    raw.on('close', ended);
    raw.on('error', ended);
  }

  /** Answers come as "code outBytes errBytes\n" and then the bytes. */
  private take(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    for (;;) {
      const nl = this.buffered.indexOf(10);
      if (nl < 0) return;
      const [code, outBytes, errBytes] = this.buffered.subarray(0, nl).toString('latin1').trim().split(' ').map(Number) as [number, number, number];
      const end = nl + 1 + outBytes + errBytes;
      if (this.buffered.length < end) return;
      const stdout = Buffer.from(this.buffered.subarray(nl + 1, nl + 1 + outBytes));
      const stderr = this.buffered.subarray(nl + 1 + outBytes, end).toString('utf8');
      this.buffered = this.buffered.subarray(end);
      // No exit code: the script did not run (no room in /tmp for the agent's files, no process left):
      // the caller then tries a plain exec, which says what is wrong.
      const next = this.waiting.shift();
      if (Number.isFinite(code)) next?.resolve({ code, stdout, stderr });
      else next?.reject(new Error(`the workspace agent could not run the operation: ${stderr.slice(0, 200)}`));
    }
  }

  private failAll(err: Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.reject(err);
  }
}
