// The catalog while ClassLab runs: catalog.json re-read when it changes (a watch on its folder, debounced:
// an editor's save is several events) or when asked (reload()). Profiles are untrusted: every reload goes
// through loadCatalog, the same checks as at start-up, problems reported by name and field. What a new
// catalog changes, and what waits, is decided by Labs.apply (labs.ts); this module only reads the file,
// hands it over, and has the labs it added or changed read from Docker (a re-added lab is adopted).
import { watch, type FSWatcher } from 'node:fs';
import type { LabView } from '../../api/contract';
import type { Logger } from '../log';
import { loadLabCatalogs } from '../profiles/catalog';
import type { HostPolicy } from '../profiles/mount-policy';
import type { CatalogChange, LabEntry, Labs } from './labs';

export const CATALOG_FILE = 'catalog.json';

export interface LiveCatalogOptions {
  /** The bundled catalog's folder. */
  dir: string;
  /** The folder of the labs installed from packs (it may not exist yet). */
  installedDir: string;
  /** The folder of the labs saved in the profile editor (it may not exist yet; profiles/saved-profiles.ts). */
  savedDir?: string;
  policy: HostPolicy;
  labs: Labs;
  /** Reads one lab from Docker (and adopts it when it runs): reconcile.ts. */
  reconcile(entry: LabEntry): Promise<void>;
  /** labs:changed, for a lab that was added (its first view). */
  changed(view: LabView): void;
  log: Logger;
  /** Quiet time after the last file event before the file is read. */
  debounceMs?: number;
}

export class LiveCatalog {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Reloads run one after another: two saves in a row never apply out of order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: LiveCatalogOptions) {}

  /** Reads catalog.json again and applies it; resolves with what changed and what waits. */
  reload(): Promise<CatalogChange> {
    const next = this.queue.then(() => this.reloadNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Watches the catalogs' folders (not the files: a save that replaces the file keeps being seen). The
   * installed labs' folder is watched when it exists; an import reloads on its own anyway.
   */
  watch(): void {
    if (this.watchers.length || this.closed) return;
    for (const dir of [this.opts.dir, this.opts.installedDir, ...(this.opts.savedDir ? [this.opts.savedDir] : [])]) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name !== null && name !== CATALOG_FILE) return;
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => {
            this.timer = null;
            if (!this.closed) void this.reload().catch((err: Error) => this.opts.log.warn('catalog reload failed', { error: err.message }));
          }, this.opts.debounceMs ?? 300);
          this.timer.unref();
        });
        watcher.on('error', (err) => this.opts.log.warn('catalog watch ended; changes are read on reload only', { error: err.message }));
        this.watchers.push(watcher);
      } catch (err) {
        if (dir !== this.opts.dir && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        this.opts.log.warn('cannot watch the catalog folder; changes are read on reload only', { dir, error: (err as Error).message });
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.splice(0)) w.close();
  }

  private async reloadNow(): Promise<CatalogChange> {
    const { labs, log } = this.opts;
    const loaded = await loadLabCatalogs(this.opts.dir, this.opts.installedDir, this.opts.policy, this.opts.savedDir);
    for (const p of loaded.problems) log.warn('profile problem', { ...p });
    const change = labs.apply(loaded);
    if (change.added.length || change.updated.length || change.removed.length || change.waiting.length) {
      log.info('catalog reloaded', { added: change.added, updated: change.updated, removed: change.removed, waiting: change.waiting.map((w) => w.labId) });
    }
    await Promise.all(
      [...change.added, ...change.updated].map(async (id) => {
        const entry = labs.find(id);
        if (!entry) return;
        await this.opts.reconcile(entry);
        // A new lab's first view goes out even when Docker found it just as a new lab starts (stopped).
        if (change.added.includes(id)) this.opts.changed(entry.lab.view);
      }),
    );
    return change;
  }
}
