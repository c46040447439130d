// The sandbox audit: attacks run inside a throw-away lab, as the student would, each with its evidence.
import type Docker from 'dockerode';
import type { Profile } from '../profiles/schema';
import type { HostPolicy } from '../profiles/mount-policy';
import type { Logger } from '../types';
import type { AuditLab } from './lab';
import type { HostListeners } from './listeners';

export interface AttackResult {
  /** "1. Fork bomb (shell)" — the number, then what was tried. */
  attack: string;
  /** true only when the attack was tried and did no harm; an attack that could not be tried is NOT blocked. */
  blocked: boolean;
  /** What was observed, in a line or two: numbers, error messages, limits. */
  evidence: string;
}

export interface AuditOptions {
  docker: () => Docker;
  profile: Profile;
  /** The installation's namespace; the audit works in its own namespace derived from it. */
  namespace: string;
  log: Logger;
  onProgress?: (result: AttackResult) => void;
  signal?: AbortSignal;
  /**
   * Size of the throw-away lab's workspace disk (MiB), so the disk-fill attack writes little. The
   * mechanism is the same at any size. Default: the profile's size, at most 128 MiB.
   */
  diskMiB?: number;
  /** Host ports on 127.0.0.1 that ClassLab itself serves (the bridge): probed from the lab too. */
  hostPorts?: number[];
  /** This machine's trust and private folders: the throw-away labs' mounts are checked as a lab's are. */
  policy: HostPolicy;
  /** The trusted ID of ClassLab's gate image (images/helper-images.ts). */
  gateImage: () => Promise<string>;
  /** Where this computer reaches a gate's port (Engine.reach: an ssh forward for a remote engine). Default: the same port. */
  reach?: (port: number) => Promise<number>;
  /** Only these attacks (by id), for tests and for re-running one line. Default: all. */
  only?: string[];
  /** Attacks added by other parts of ClassLab (see extensions.ts); default: the registered ones. */
  extraAttacks?: AuditAttack[];
}

/** What an attack gets to work with. */
export interface AuditContext {
  docker: Docker;
  profile: Profile;
  /** The throw-away lab under attack (running, notebook ready). */
  lab: AuditLab;
  /** A second throw-away lab ("another lab"), on a network of its own, with a listener and a canary file. */
  neighbour: AuditLab;
  listeners: HostListeners;
  hostPorts: number[];
  /** This machine's trust and private folders, as ClassLab checks profiles against them. */
  policy: HostPolicy;
  /** The trusted ID of ClassLab's gate image. */
  gateImage: () => Promise<string>;
  /** Which engine this is: a few checks read what Podman's compatible API reports differently. */
  engineKind: 'docker' | 'podman';
  log: Logger;
  signal: AbortSignal;
}

export interface AuditAttack {
  /** Stable id, for `only` and for tests: 'fork-bomb', 'network', … */
  id: string;
  /** The attack's number (issue #3's 1–13, and those added since: 14–20), for ordering and display. */
  number: number;
  /** Runs the attack; returns one or more results (one per sub-attack). Must time-box itself. */
  run(ctx: AuditContext): Promise<AttackResult[]>;
}
