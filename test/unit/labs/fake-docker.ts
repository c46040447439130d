// Fakes of a Lab's port (electron/core/labs/lab-port.ts) for unit tests of the Lab's rules: containers
// that change state when told, a notebook that answers when told, and every view the Lab emits. Pure:
// no Docker, no network.
import type { ImageProgress, LabView } from '../../../electron/api/contract';
import { LabError } from '../../../electron/api/errors';
import type { ImageJob } from '../../../electron/core/images/images';
import type { LabDetails } from '../../../electron/core/labs/containers';
import type { LabDocker, LabWorld } from '../../../electron/core/labs/lab-port';
import type { ReadinessOptions } from '../../../electron/core/labs/readiness';
import type { ContainerState } from '../../../electron/core/labs/state';
import { Profile } from '../../../electron/core/profiles/schema';

export const profile = Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } });

/** A promise with its resolve outside, to hold an operation at one step. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export class FakeContainers implements LabDocker {
  imagePresent = true;
  lab: ContainerState = 'absent';
  gate: ContainerState = 'absent';
  exitCode: number | null = null;
  port: number | null = null;
  token: string | null = null;
  calls: string[] = [];
  /** When set, start() waits for it (a start that takes its time). */
  holdStart: Promise<void> | null = null;

  async details(): Promise<LabDetails> {
    const running = this.lab === 'running';
    return {
      observation: { imagePresent: this.imagePresent, lab: this.lab, gate: this.gate, exitCode: this.exitCode, oomKilled: false, memoryMiB: 2048 },
      port: this.gate === 'running' ? this.port : null,
      token: running || this.lab === 'exited' ? this.token : null,
      outdated: false,
    };
  }
  async start(): Promise<{ port: number; token: string }> {
    this.calls.push('start');
    if (this.holdStart) await this.holdStart;
    this.lab = 'running';
    this.gate = 'running';
    this.exitCode = null;
    this.port = 40001;
    this.token = 'tok';
    return { port: this.port, token: this.token };
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
    if (this.lab !== 'absent') {
      this.lab = 'exited';
      this.exitCode = 0;
    }
    if (this.gate !== 'absent') this.gate = 'exited';
  }
  async removeContainers(): Promise<void> {
    this.calls.push('removeContainers');
    this.lab = 'absent';
    this.gate = 'absent';
    this.exitCode = null;
  }
  async isRunning(): Promise<boolean> {
    return this.lab === 'running';
  }
  async logTail(): Promise<string[]> {
    return ['last line'];
  }
  /** Runs as if started by someone else (another ClassLab, or before a restart). */
  runningElsewhere(): void {
    this.lab = 'running';
    this.gate = 'running';
    this.port = 40002;
    this.token = 'other';
  }
}

export class FakeWorld implements LabWorld {
  /** Whether the notebook answers its status endpoint. */
  answering = false;
  views: LabView[] = [];
  progressEvents: ImageProgress[] = [];
  prepared = 0;
  holdPrepare: Promise<void> | null = null;
  log = { info() {}, warn() {}, error() {} };
  gate = { state: async () => 'ready' as const, build: async () => 'sha256:gate' };

  requireEngine(): void {}
  async prepareImage(_profile: Profile, job: ImageJob): Promise<void> {
    this.prepared += 1;
    job.onProgress({ fraction: 0.5, step: 'Step 1/2', lines: ['one'], error: null });
    if (this.holdPrepare) await this.holdPrepare;
  }
  notebook = {
    answers: async () => this.answering,
    waitFor: async (opts: ReadinessOptions): Promise<'ready' | 'timeout'> => {
      const deadline = Date.now() + opts.timeoutMs;
      while (Date.now() < deadline) {
        opts.signal?.throwIfAborted();
        if (this.answering) return 'ready';
        await opts.stillAlive?.();
        await new Promise((r) => setTimeout(r, 2));
      }
      return 'timeout';
    },
  };
  now(): number {
    return Date.now();
  }
  asLabError(err: unknown): LabError {
    return err instanceof LabError ? err : new LabError('INTERNAL', (err as Error).message);
  }
  changed(view: LabView): void {
    this.views.push(view);
  }
  progress(p: ImageProgress): void {
    this.progressEvents.push(p);
  }
  opening(): void {}
  opened(): void {}
  phases(): string[] {
    return this.views.map((v) => v.phase);
  }
}

/** Waits until `check` is true (the fakes move on their own timers). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
}
