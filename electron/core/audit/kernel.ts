// A minimal Jupyter client for the audit: start a kernel through the notebook's REST API and run code
// in it over the kernel's WebSocket, as the notebook page would. Counts what comes back, so a runaway
// cell can be measured.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface RunOutcome {
  /** The cell finished (status idle for our request) before the time box. */
  finished: boolean;
  /** stdout/stderr text received (capped at 64 KiB kept; `bytes` counts everything). */
  text: string;
  bytes: number;
  messages: number;
  /** The kernel went away (died, restarting) while the cell ran. */
  kernelDied: boolean;
  states: string[];
  errors: string[];
}

export class KernelClient {
  private ws: WebSocket | null = null;
  private readonly session = randomUUID();
  kernelId = '';

  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  private headers(): Record<string, string> {
    return { Authorization: `token ${this.token}`, 'Content-Type': 'application/json' };
  }

  /** Starts a kernel of this kernelspec (python3; `ir` in the R lab, `octave` in the Octave lab). */
  async start(name = 'python3'): Promise<void> {
    const res = await fetch(new URL('api/kernels', this.base), { method: 'POST', headers: this.headers(), body: JSON.stringify({ name }) });
    if (!res.ok) throw new Error(`Could not start a kernel: HTTP ${res.status}`);
    this.kernelId = ((await res.json()) as { id: string }).id;
    await this.connect();
  }

  /** Connects to a kernel that is already running (one the lab's notebook server lists), without starting one. */
  async attach(kernelId: string): Promise<void> {
    this.kernelId = kernelId;
    await this.connect();
  }

  /** A fresh WebSocket to the same kernel (after it was restarted). */
  async reconnect(): Promise<void> {
    this.ws?.removeAllListeners();
    this.ws?.terminate();
    this.ws = null;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const url = new URL(`api/kernels/${this.kernelId}/channels?session_id=${this.session}`, this.base);
    url.protocol = 'ws:';
    // The lab's server is hostile: no message larger than this is read.
    const ws = new WebSocket(url, { headers: { Authorization: `token ${this.token}` }, maxPayload: 8 * 1024 * 1024 });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('The kernel connection closed.')));
    });
    this.ws = ws;
  }

  async state(): Promise<string | null> {
    const res = await fetch(new URL(`api/kernels/${this.kernelId}`, this.base), { headers: this.headers() }).catch(() => null);
    if (!res?.ok) return null;
    return ((await res.json()) as { execution_state?: string }).execution_state ?? null;
  }

  async interrupt(): Promise<boolean> {
    const res = await fetch(new URL(`api/kernels/${this.kernelId}/interrupt`, this.base), { method: 'POST', headers: this.headers() }).catch(() => null);
    return Boolean(res && res.status < 300);
  }

  /** Runs code; resolves when the cell is done, the kernel dies, or after `timeoutMs`. */
  async run(code: string, timeoutMs: number): Promise<RunOutcome> {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) await this.connect();
    const ws = this.ws!;
    const msgId = randomUUID();
    const outcome: RunOutcome = { finished: false, text: '', bytes: 0, messages: 0, kernelDied: false, states: [], errors: [] };
    return new Promise<RunOutcome>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(outcome);
      };
      const timer = setTimeout(finish, timeoutMs);
      const onClose = () => {
        outcome.kernelDied = true;
        finish();
      };
      const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).length;
        outcome.bytes += size;
        outcome.messages += 1;
        if (isBinary) return;
        let msg: { msg_type?: string; header?: { msg_type?: string }; parent_header?: { msg_id?: string }; content?: Record<string, unknown> };
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return;
        }
        const type = msg.msg_type ?? msg.header?.msg_type;
        const content = msg.content ?? {};
        if (type === 'status') {
          const state = String(content.execution_state);
          outcome.states.push(state);
          if (state === 'restarting' || state === 'dead') {
            outcome.kernelDied = true;
            finish();
          }
          if (state === 'idle' && msg.parent_header?.msg_id === msgId) {
            outcome.finished = true;
            finish();
          }
        } else if (type === 'stream' && outcome.text.length < 64 * 1024) {
          outcome.text += String(content.text ?? '');
        } else if (type === 'error') {
          outcome.errors.push(`${String(content.ename)}: ${String(content.evalue)}`);
        }
      };
      ws.on('message', onMessage);
      ws.on('close', onClose);
      this.sendShell(ws, msgId, 'execute_request', {
        code,
        silent: false,
        store_history: false,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      });
    });
  }

  /**
   * Asks the kernel for its kernel_info on its shell channel; true when it answered within `timeoutMs`.
   * A kernel handles shell requests one at a time, so one still running a cell answers only once it is done.
   */
  async kernelInfo(timeoutMs: number): Promise<boolean> {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) await this.connect();
    const ws = this.ws!;
    const msgId = randomUUID();
    return new Promise<boolean>((resolve) => {
      const finish = (answered: boolean) => {
        clearTimeout(timer);
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(answered);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const onClose = () => finish(false);
      const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) return;
        try {
          const msg = JSON.parse(data.toString()) as { msg_type?: string; header?: { msg_type?: string }; parent_header?: { msg_id?: string } };
          if ((msg.msg_type ?? msg.header?.msg_type) === 'kernel_info_reply' && msg.parent_header?.msg_id === msgId) finish(true);
        } catch {
          // Not a Jupyter message: ignored.
        }
      };
      ws.on('message', onMessage);
      ws.on('close', onClose);
      this.sendShell(ws, msgId, 'kernel_info_request', {});
    });
  }

  /** Sends one request on the kernel's shell channel in the notebook server's WebSocket envelope. */
  private sendShell(ws: WebSocket, msgId: string, msgType: string, content: Record<string, unknown>): void {
    ws.send(
      JSON.stringify({
        header: { msg_id: msgId, username: 'classlab', session: this.session, msg_type: msgType, version: '5.3', date: new Date().toISOString() },
        parent_header: {},
        metadata: {},
        content,
        channel: 'shell',
        buffers: [],
      }),
    );
  }

  /** Closes the connection and leaves the kernel running (one this client attached to). */
  disconnect(): void {
    this.ws?.removeAllListeners();
    this.ws?.terminate();
    this.ws = null;
  }

  async close(): Promise<void> {
    this.ws?.removeAllListeners();
    this.ws?.terminate();
    this.ws = null;
    if (this.kernelId) {
      await fetch(new URL(`api/kernels/${this.kernelId}`, this.base), { method: 'DELETE', headers: this.headers() }).catch(() => undefined);
    }
  }
}
