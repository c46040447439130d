// Keeping the labs' views true to Docker: Docker's event stream for this ClassLab's containers (each
// event a debounced re-read of that lab), a periodic re-read (events can be missed), out-of-memory and
// limit notices, and the engine going down and coming back. Docker is the truth; this module only reads
// it and hands what it finds to each Lab. Nothing here starts a container: a lab found running without
// an answering notebook is adopted (its notebook waited for), never started.
import type Docker from 'dockerode';
import type { EngineStatus } from '../../api/contract';
import type { Engine } from '../engine/engine';
import { isEngineGone } from '../engine/failures';
import type { Logger } from '../log';
import { explainEvent } from '../sandbox/explain';
import type { LabEntry, Labs } from './labs';
import { limitNotice } from './limits';
import { LABEL } from './naming';

export interface DockerLabEvent {
  labId: string | null;
  role: string | null;
  action: string;
}

/** One line of Docker's event stream (JSON), or null when it is not one. */
export function parseEvent(line: string): DockerLabEvent | null {
  try {
    const ev = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
    const attrs = ev.Actor?.Attributes ?? {};
    return { labId: attrs[LABEL.lab] ?? null, role: attrs[LABEL.role] ?? null, action: ev.Action ?? '' };
  } catch {
    return null;
  }
}

/**
 * What an event means for a lab. Execs (terminals, file operations, health checks) and health reports
 * change no lab's state: reconciling on them would make one exec per health check, and per reconcile,
 * forever. An out-of-memory kill in the lab container is said in plain words, then reconciled.
 */
export function eventEffect(event: DockerLabEvent | null): 'ignore' | 'reconcile' | 'out-of-memory' {
  if (!event?.labId) return 'ignore';
  if (/^(exec_|health_status)/.test(event.action)) return 'ignore';
  if (event.action === 'oom' && event.role === 'lab') return 'out-of-memory';
  return 'reconcile';
}

/** Splits a byte stream into lines; a line cut between two chunks is kept until its end arrives. */
export class LineBuffer {
  private buffered = '';
  push(chunk: Buffer | string): string[] {
    this.buffered += chunk.toString();
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop() ?? '';
    return lines;
  }
}

export interface ReconcilerOptions {
  engine: Engine;
  labs: Labs;
  namespace: string;
  log: Logger;
  /** How often Docker is re-read even without events. */
  everyMs: number;
}

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private engineUp: Promise<void> | null = null;
  private stream: NodeJS.ReadableStream | null = null;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: ReconcilerOptions) {}

  /** The engine changed state: when up, reconcile every lab and watch its events; when down, stop watching. */
  engineChanged(status: EngineStatus): void {
    if (status.state === 'up') this.engineUp = this.onEngineUp();
    else this.stopWatching();
  }

  /** Waits for the first reconcile after the engine came up (the first list shows what Docker has), then re-reads periodically. */
  async start(): Promise<void> {
    await this.engineUp;
    this.timer = setInterval(() => {
      if (this.opts.engine.status().state === 'up') void this.reconcileAll();
    }, this.opts.everyMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.pending.values()) clearTimeout(t);
    this.stopWatching();
  }

  reconcileAll(): Promise<void> {
    return Promise.all(this.opts.labs.all().map((e) => this.reconcile(e))).then(() => undefined);
  }

  /** Re-reads one lab from Docker (skipped while an operation runs on it: the operation reads it itself). */
  async reconcile(entry: LabEntry): Promise<void> {
    const { lab } = entry;
    if (lab.operation || this.closed) return;
    try {
      const view = await lab.refresh();
      if (view.phase === 'ready')
        lab.setNotice((await limitNotice(this.opts.engine.docker(), entry.containers.names.container, lab.profile)) ?? lab.outOfMemoryNotice);
      // Running without an answering notebook yet: adopt it by waiting for the notebook.
      if (view.phase === 'starting' && !lab.operation) void lab.adopt().catch(() => undefined);
    } catch (err) {
      if (isEngineGone(err)) this.opts.engine.suspect();
      else this.opts.log.warn('reconcile failed', { lab: lab.id, error: (err as Error).message });
    }
  }

  private async onEngineUp(): Promise<void> {
    await this.reconcileAll();
    await this.watchEvents();
  }

  private async watchEvents(): Promise<void> {
    if (this.stream || this.closed) return;
    try {
      const docker: Docker = this.opts.engine.docker();
      const stream = (await docker.getEvents({
        filters: { type: ['container'], label: [`${LABEL.instance}=${this.opts.namespace}`] },
      })) as NodeJS.ReadableStream;
      this.stream = stream;
      const lines = new LineBuffer();
      stream.on('data', (chunk: Buffer) => {
        for (const line of lines.push(chunk)) {
          const event = parseEvent(line);
          const effect = eventEffect(event);
          if (effect === 'ignore' || !event?.labId) continue;
          if (effect === 'out-of-memory') void this.onOutOfMemory(event.labId);
          this.schedule(event.labId);
        }
      });
      const ended = () => {
        if (this.stream === stream) this.stream = null;
        if (!this.closed) this.opts.engine.suspect();
      };
      stream.on('end', ended);
      stream.on('error', ended);
    } catch (err) {
      this.opts.log.warn('cannot watch Docker events; relying on periodic checks', { error: (err as Error).message });
    }
  }

  private stopWatching(): void {
    const s = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
    this.stream = null;
    s?.removeAllListeners();
    s?.destroy?.();
  }

  /** Events come in bursts (die, stop, network disconnect…): one re-read per lab 150 ms after the last. */
  private schedule(labId: string): void {
    if (!this.opts.labs.find(labId)) return;
    clearTimeout(this.pending.get(labId));
    this.pending.set(
      labId,
      setTimeout(() => {
        this.pending.delete(labId);
        // Looked up again: the catalog may have changed meanwhile.
        const entry = this.opts.labs.find(labId);
        if (entry) void this.reconcile(entry);
      }, 150),
    );
  }

  /** Docker reported an out-of-memory kill in the lab: say so in plain words (never a silent death). */
  private async onOutOfMemory(labId: string): Promise<void> {
    // The event comes before any 'die': look a moment later whether the lab itself survived.
    await new Promise((r) => setTimeout(r, 1000));
    const entry = this.opts.labs.find(labId);
    if (!entry || this.closed) return;
    const running = await entry.containers.isRunning().catch(() => false);
    const explained = explainEvent({ Action: 'oom' }, entry.lab.profile, running);
    if (!explained) return;
    this.opts.log.warn('lab ran out of memory', { lab: labId, running });
    entry.lab.outOfMemory(explained.message);
  }
}
