// A hub's lab in ClassLab: the token owner's default server on that hub. Open starts it through the hub's
// REST API and follows its progress stream (each event becomes the lab's progress), then serves its pages
// through this hub's gate (hub-gate.ts); Stop stops it. The hub decides what runs there (its spawner,
// profile, limits and idle culler): when the server stops without ClassLab asking, the lab says so.
import type { HubLab } from '../../api/contract';
import type { Logger } from '../types';
import { LabError } from '../../api/errors';
import { HubClient } from './hub-client';
import { HubGate } from './hub-gate';
import { hubLabId, type HubEntry, type HubStore } from './hub-store';

export type HubLabView = HubLab;
export type HubLabPhase = HubLab['phase'];

export const HUB_START_TIMEOUT_MS = 5 * 60_000;

/** What the launcher says when the hub stopped a server that ClassLab had open. */
export const STOPPED_BY_HUB =
  'The hub stopped your server: its idle culler stops servers nobody used for a while (or its admin, or a limit, did). Your files on the hub are kept; Open starts it again.';

interface LabState {
  phase: HubLabPhase;
  reason: string | null;
  progress: HubLabView['progress'];
  gate: HubGate | null;
  /** ClassLab saw this server ready and did not stop it itself. */
  wasReady: boolean;
  busy: Promise<unknown> | null;
}

export class HubLabs {
  private readonly states = new Map<string, LabState>();

  constructor(
    private readonly store: HubStore,
    private readonly opts: { log: Logger; changed?: (view: HubLabView) => void; timeoutMs?: number },
  ) {}

  /** Every hub's lab, each with what its hub says now (a hub that does not answer: phase error, its reason). */
  async list(): Promise<HubLabView[]> {
    return Promise.all(this.store.list().map((entry) => this.status(hubLabId(entry.url)).catch((err) => this.failedView(entry, err))));
  }

  async status(id: string): Promise<HubLabView> {
    const entry = this.entry(id);
    const state = this.state(id);
    if (state.busy) return this.view(entry);
    const client = await this.client(entry);
    const { server, pending } = await client.server(entry.owner);
    // After a failed start the hub may still say "pending" for up to its http_timeout: the failure stays shown.
    if (pending === 'spawn') {
      if (state.phase !== 'error') this.set(entry, { phase: 'starting', reason: null });
    } else if (pending === 'stop') this.set(entry, { phase: 'stopping', reason: null });
    else if (server?.ready) {
      await this.ready(entry, state);
    } else {
      const culled = state.wasReady;
      await this.dropGate(state);
      this.set(entry, { phase: 'stopped', reason: culled ? STOPPED_BY_HUB : state.phase === 'error' ? state.reason : null, progress: null });
    }
    return this.view(entry);
  }

  /** Starts the server (or finds it running) and resolves once its notebook answers through the gate. */
  async open(id: string, opts: { signal?: AbortSignal } = {}): Promise<HubLabView> {
    const entry = this.entry(id);
    const state = this.state(id);
    if (state.busy) throw new LabError('BUSY', `${entry.url} is already ${state.phase === 'stopping' ? 'stopping' : 'starting'} your server.`);
    const run = (async () => {
      const client = await this.client(entry);
      this.set(entry, { phase: 'starting', reason: null, progress: { fraction: 0, message: `Asking ${new URL(entry.url).host} for your server` } });
      try {
        const started = await client.start(entry.owner);
        if (started !== 'running') {
          const ready = await client.progress(
            entry.owner,
            (e) => this.set(entry, { progress: { fraction: e.progress === undefined ? null : Math.min(1, e.progress / 100), message: e.message ?? '' } }),
            { timeoutMs: this.opts.timeoutMs ?? HUB_START_TIMEOUT_MS, signal: opts.signal },
          );
          if (!ready) {
            const { server } = await client.server(entry.owner);
            if (!server?.ready)
              throw new LabError('START_FAILED', `The hub ended the start of your server without it being ready. Open again, or ask the hub's admin.`);
          }
        }
        await this.ready(entry, state);
      } catch (err) {
        this.set(entry, { phase: 'error', reason: err instanceof Error ? err.message : String(err), progress: null });
        throw err;
      }
    })();
    state.busy = run;
    try {
      await run;
    } finally {
      state.busy = null;
    }
    return this.view(entry);
  }

  async stop(id: string): Promise<HubLabView> {
    const entry = this.entry(id);
    const state = this.state(id);
    if (state.busy) throw new LabError('BUSY', `${entry.url} is busy with your server; try again when it is done.`);
    const run = (async () => {
      const client = await this.client(entry);
      state.wasReady = false;
      this.set(entry, { phase: 'stopping', reason: null, progress: null });
      await this.dropGate(state);
      let answer = await client.stop(entry.owner);
      for (let i = 0; answer === 'stopping' && i < 120; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const { server, pending } = await client.server(entry.owner);
        if (!server && !pending) answer = 'stopped';
      }
      this.set(entry, { phase: 'stopped', reason: answer === 'stopped' ? null : 'The hub is still stopping your server.' });
    })();
    state.busy = run;
    try {
      await run;
    } catch (err) {
      this.set(entry, { phase: 'error', reason: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      state.busy = null;
    }
    return this.view(entry);
  }

  /** The page of a ready hub lab through its gate (what the shells embed), or null. */
  notebookUrl(id: string): string | null {
    const s = this.states.get(id);
    return s?.phase === 'ready' && s.gate ? s.gate.pageUrl('lab') : null;
  }

  async close(): Promise<void> {
    for (const s of this.states.values()) await this.dropGate(s);
  }

  // ------------------------------------------------------------------------------------------------

  private async ready(entry: HubEntry, state: LabState): Promise<void> {
    if (!state.gate) {
      const token = await this.tokenOf(entry);
      state.gate = new HubGate({ hubUrl: entry.url, owner: entry.owner, token: () => token, log: this.opts.log });
      await state.gate.start();
    }
    state.wasReady = true;
    this.set(entry, { phase: 'ready', reason: null, progress: null });
  }

  private async dropGate(state: LabState): Promise<void> {
    const gate = state.gate;
    state.gate = null;
    await gate?.close();
  }

  private entry(id: string): HubEntry {
    const entry = this.store.find(id);
    if (!entry) throw new LabError('LAB_NOT_FOUND', `No hub ${id} on this computer (see \`classlab hub list\`).`);
    return entry;
  }

  private state(id: string): LabState {
    let s = this.states.get(id);
    if (!s) this.states.set(id, (s = { phase: 'stopped', reason: null, progress: null, gate: null, wasReady: false, busy: null }));
    return s;
  }

  private async tokenOf(entry: HubEntry): Promise<string> {
    const token = await this.store.token(entry);
    if (!token) throw new LabError('UNAUTHORIZED', `No token is kept for ${entry.url}: run \`classlab hub add ${entry.url}\` again.`);
    return token;
  }

  private async client(entry: HubEntry): Promise<HubClient> {
    return new HubClient({ url: entry.url, token: await this.tokenOf(entry) });
  }

  private set(entry: HubEntry, patch: Partial<Pick<LabState, 'phase' | 'reason' | 'progress'>>): void {
    const state = this.state(hubLabId(entry.url));
    Object.assign(state, patch);
    this.opts.changed?.(this.view(entry));
  }

  private view(entry: HubEntry): HubLabView {
    const id = hubLabId(entry.url);
    const s = this.state(id);
    const host = new URL(entry.url).host;
    return {
      id,
      hubUrl: entry.url,
      owner: entry.owner,
      title: `${host} (${entry.owner})`,
      phase: s.phase,
      reason: s.reason,
      progress: s.phase === 'starting' ? s.progress : null,
      notebookUrl: s.phase === 'ready' && s.gate ? s.gate.pageUrl('lab') : null,
    };
  }

  private failedView(entry: HubEntry, err: unknown): HubLabView {
    const s = this.state(hubLabId(entry.url));
    s.phase = 'error';
    s.reason = err instanceof Error ? err.message : String(err);
    return this.view(entry);
  }
}
