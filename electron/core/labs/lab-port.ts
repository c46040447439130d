// What a Lab needs from the world, and nothing more: its containers, the images, the notebook's
// readiness check and the clock. The core passes the real ones (LabContainers, images/, readiness.ts,
// Date.now); a unit test passes fakes, so the busy/cancel/adopt rules can be tested without Docker.
import type { ImageProgress, LabView } from '../../api/contract';
import type { LabError } from '../../api/errors';
import type { HelperImageState } from '../images/helper-images';
import type { ImageJob } from '../images/images';
import type { Logger } from '../log';
import type { Profile } from '../profiles/schema';
import type { LabDetails } from './containers';
import type { ReadinessOptions } from './readiness';

/** The Docker side of one lab, as LabContainers offers it. Every call reads or changes Docker afresh. */
export interface LabDocker {
  details(): Promise<LabDetails>;
  /** Makes the lab and its gate run; returns the gate's host port and the notebook's token. */
  start(): Promise<{ port: number; token: string }>;
  stop(): Promise<void>;
  /** Removes the lab's containers; its workspace volume stays. */
  removeContainers(): Promise<void>;
  isRunning(): Promise<boolean>;
  logTail(lines: number): Promise<string[]>;
}

/** What every lab shares: the engine, the images, the notebook check, the clock and where views go. */
export interface LabWorld {
  /** Throws ENGINE_DOWN while Docker is not up: an action never starts against a missing engine. */
  requireEngine(): void;
  /** ClassLab's own gate image, built from the app's Dockerfile (images/helper-images.ts). */
  gate: { state(): Promise<HelperImageState>; build(job: ImageJob): Promise<unknown> };
  /** Builds the profile's image from the catalog's folder, or pulls it. */
  prepareImage(profile: Profile, job: ImageJob): Promise<void>;
  notebook: {
    /** One probe of the notebook's status endpoint with the token. */
    answers(url: string, token: string): Promise<boolean>;
    /** Polls until the notebook answers or the time is up. */
    waitFor(opts: ReadinessOptions): Promise<'ready' | 'timeout'>;
  };
  now(): number;
  /** Any failure as a LabError (Docker gone away as ENGINE_DOWN, which also makes the engine look again). */
  asLabError(err: unknown, what: string, fields: Record<string, unknown>): LabError;
  log: Logger;
  /** A lab's view changed (labs:changed). */
  changed(view: LabView): void;
  /** A build or pull reported progress (images:progress), already throttled by the Lab. */
  progress(progress: ImageProgress): void;
  /** The user opened this lab (remembered as the last one). */
  opening(labId: string): void;
  /** A user's open ended ready (the course is copied or synced in the background). */
  opened(labId: string): void;
  /**
   * The cap on running labs: resolves with a release (called when the start has ended) or rejects with
   * TOO_MANY_LABS (core/host/idle-cap.ts). Absent: no cap.
   */
  admit?(labId: string): Promise<() => void>;
}
