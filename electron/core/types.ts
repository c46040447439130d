// What the Node core offers the shells (Electron main, the bridge, the CLI).
import type { IdleWatcher } from './host/idle-watcher';
import type { EventName, EventPayload, LabService } from '../api/contract';
import type { AdminGuard } from './admin/admin-gate';
import type { TransferRequest, TransferResponse } from './files/transfers';
import type { CatalogChange } from './labs/labs';
import type { Packs } from './packs/packs';
import type { Host } from './host/host';

/** Everything the contract offers except the notebook placement, which each shell does its own way. */
export type CoreService = Omit<LabService, 'notebook:show' | 'notebook:hide'>;

export interface ClassLabCore {
  /** Ungated: what the shells hold in-process. Every caller from outside goes through gateAdmin(service, admin). */
  readonly service: CoreService;
  /** The admin lock of this running ClassLab: one session for every window and tab. */
  readonly admin: AdminGuard;
  /** Subscribe to a core event; returns the function that unsubscribes. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Serves an upload or download path granted by files:uploadPlan / files:downloadLink. */
  transfer(req: TransferRequest): Promise<TransferResponse>;
  /**
   * Reads the catalog again (as the watch on its folder does when catalog.json changes) and applies it:
   * labs added, changed or removed (labs:changed, labs:removed), changes that wait for a busy or running
   * lab, and the catalog's problems. Never touches a workspace or a container.
   */
  reloadCatalog(): Promise<CatalogChange>;
  /** The notebook address (with token) of a ready lab, or null. */
  notebookUrl(labId: string): string | null;
  /**
   * A port on the host's 127.0.0.1 that this ClassLab serves (the bridge): the sandbox check probes it
   * from inside a lab. Returns the function that forgets it.
   */
  exposeHostPort(port: number): () => void;
  /** Lab packs by file path, for the command line (the UI goes through the packs:* methods). */
  readonly packs: Packs;
  /** The workshop host's status, stop-all and backups by file path, for the command line (the UI: host:*). */
  readonly host: Host;
  /** Idle auto-stop: every ready lab's idle time (what labs:idle answers), and a round of samples on demand (tests). */
  readonly idle: IdleWatcher;
  /** Live counts, for leak checks in tests and diagnostics. */
  stats(): { terminals: number; listeners: number };
  /** Stops timers, event streams and listeners. Lab containers keep running: they are adopted next time. */
  close(): Promise<void>;
}

export type { Logger } from './log';
