// The labs of the catalog, one Lab each, and how a new catalog (a reload of the catalog file; packs and
// an editor later) changes them while ClassLab runs. Docker is never touched by a catalog change:
// - a new profile adds a lab (a lab of that id already in Docker is adopted by the reconcile after);
// - a changed profile replaces the lab's profile when no operation and no container runs; otherwise the
//   change waits: a running lab keeps running with its previous profile until it is stopped (its view
//   says so), a start, stop or build in progress ends first. It waits rather than being refused because
//   the file is the catalog's truth: a refusal would leave the file and the launcher disagreeing until
//   the next edit. Every waiting change is reported by the reload (and logged), with its reason;
// - a removed profile removes the lab from the list (labs:removed), not its containers or workspace: a
//   later re-add finds them. A running or busy lab leaves the list once it is stopped;
// - a profile that now fails its checks keeps the lab as it was (its last good profile), and a catalog
//   file that cannot be read or parsed changes nothing: a half-saved file does not empty the launcher.
import type { Catalog, ProfileProblem } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { LabFiles } from '../files/lab-files';
import type { Logger } from '../log';
import type { Profile } from '../profiles/schema';
import type { LabContainers } from './containers';
import { Lab } from './lab';
import type { LabWorld } from './lab-port';

export interface LabEntry {
  lab: Lab;
  /** The full Docker side, for the areas that need more than the Lab does (terminals, files, limits). */
  containers: LabContainers;
  files: LabFiles;
}

export interface LabsDeps {
  world: LabWorld;
  containers(profile: Profile): LabContainers;
  files(containers: LabContainers): LabFiles;
  /** A lab left the list (labs:removed). */
  removed(labId: string): void;
  log: Logger;
}

/** What one catalog change did, by lab id. */
export interface CatalogChange {
  added: string[];
  updated: string[];
  removed: string[];
  /** Changes that wait for a lab to be stopped or for its operation to end, each with the reason. */
  waiting: Array<{ labId: string; reason: string }>;
  /** The catalog's problems, by profile name and field (the same checks as at start-up). */
  problems: ProfileProblem[];
}

type PendingChange = { kind: 'update'; profile: Profile } | { kind: 'remove' };

/** The file as a whole could not be read or parsed (loadCatalog names it catalog.json). */
const FILE_PROBLEM = 'catalog.json';

export class Labs {
  private readonly entries = new Map<string, LabEntry>();
  private readonly pending = new Map<string, PendingChange>();
  private problemsNow: ProfileProblem[];
  private readonly retired: LabFiles[] = [];

  constructor(
    private readonly deps: LabsDeps,
    catalog: { profiles: Profile[]; problems: ProfileProblem[] },
  ) {
    this.problemsNow = catalog.problems;
    for (const profile of catalog.profiles) this.add(profile);
  }

  get problems(): ProfileProblem[] {
    return this.problemsNow;
  }

  list(): Catalog {
    return { labs: this.all().map((e) => e.lab.view), problems: this.problemsNow };
  }

  all(): LabEntry[] {
    return [...this.entries.values()];
  }

  find(id: string): LabEntry | undefined {
    return this.entries.get(id);
  }

  get(id: string): LabEntry {
    const entry = this.entries.get(id);
    if (!entry) {
      const known = [...this.entries.keys()].join(', ') || 'none';
      throw new LabError('LAB_NOT_FOUND', `There is no lab "${id}". Labs: ${known}.`);
    }
    return entry;
  }

  /** Applies a new catalog (already checked by loadCatalog). Synchronous: the caller refreshes what was added or updated. */
  apply(catalog: { profiles: Profile[]; problems: ProfileProblem[] }): CatalogChange {
    const change: CatalogChange = { added: [], updated: [], removed: [], waiting: [], problems: catalog.problems };
    if (catalog.problems.some((p) => p.profile === FILE_PROBLEM)) return change;
    this.problemsNow = catalog.problems;
    // A profile that fails its checks now is still named by its id: that lab stays as it was.
    const broken = new Set(catalog.problems.map((p) => p.profile));
    const next = new Map(catalog.profiles.map((p) => [p.id, p]));
    for (const [id, entry] of this.entries) {
      const profile = next.get(id);
      const waiting = this.pending.get(id);
      if (!profile) {
        if (!broken.has(id)) this.propose(entry, { kind: 'remove' }, change);
      } else if (sameProfile(profile, entry.lab.profile)) {
        // Back to the profile it runs with (or re-added before it left): nothing waits any more.
        this.withdraw(entry);
      } else if (waiting?.kind === 'update' && sameProfile(waiting.profile, profile)) {
        change.waiting.push({ labId: id, reason: waitingReason(entry.lab.profile.title, entry.lab.operation, waiting) });
      } else {
        this.propose(entry, { kind: 'update', profile }, change);
      }
    }
    for (const profile of catalog.profiles) {
      if (this.entries.has(profile.id)) continue;
      this.add(profile);
      change.added.push(profile.id);
    }
    for (const w of change.waiting) this.deps.log.info('catalog change waits', { lab: w.labId, reason: w.reason });
    return change;
  }

  /** Ends every lab's operation (ClassLab is closing). */
  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((e) => e.lab.close()));
    for (const files of [...this.all().map((e) => e.files), ...this.retired]) files.dispose();
  }

  private add(profile: Profile): LabEntry {
    const containers = this.deps.containers(profile);
    const lab = new Lab(profile, containers, this.deps.world, () => this.settled(profile.id));
    const entry: LabEntry = { lab, containers, files: this.deps.files(containers) };
    this.entries.set(profile.id, entry);
    return entry;
  }

  private propose(entry: LabEntry, pending: PendingChange, change: CatalogChange): void {
    const { lab } = entry;
    if (lab.canChangeProfile()) {
      this.pending.delete(lab.id);
      this.change(entry, pending);
      (pending.kind === 'remove' ? change.removed : change.updated).push(lab.id);
      return;
    }
    this.pending.set(lab.id, pending);
    const reason = waitingReason(lab.profile.title, lab.operation, pending);
    change.waiting.push({ labId: lab.id, reason });
    lab.setCatalogNote(pending.kind === 'remove' ? REMOVED_NOTE : UPDATED_NOTE);
  }

  private withdraw(entry: LabEntry): void {
    if (!this.pending.delete(entry.lab.id)) return;
    entry.lab.setCatalogNote(null);
  }

  /** An operation ended or a refresh found the lab not running: apply a change that waited for it. */
  private settled(id: string): void {
    const pending = this.pending.get(id);
    const entry = this.entries.get(id);
    if (!pending || !entry || !entry.lab.canChangeProfile()) return;
    this.pending.delete(id);
    this.deps.log.info('catalog change applied', { lab: id, change: pending.kind });
    this.change(entry, pending);
  }

  private change(entry: LabEntry, pending: PendingChange): void {
    const id = entry.lab.id;
    // Not disposed now: a files helper it still holds is removed by its own idle timer.
    this.retired.push(entry.files);
    if (pending.kind === 'remove') {
      this.entries.delete(id);
      this.deps.removed(id);
      return;
    }
    const containers = this.deps.containers(pending.profile);
    entry.containers = containers;
    entry.files = this.deps.files(containers);
    entry.lab.replaceProfile(pending.profile, containers);
  }
}

const UPDATED_NOTE = 'Its profile changed in the catalog: it runs with the previous settings until it is stopped; the next open uses the new ones.';
const REMOVED_NOTE = 'Its profile was removed from the catalog: it runs until it is stopped, then leaves this list (its workspace is kept).';

function waitingReason(title: string, operation: string | null, pending: PendingChange): string {
  const what = pending.kind === 'remove' ? 'its removal' : 'the new profile';
  if (operation) return `${title} is ${operation}: ${what} applies once that is done and the lab is not running.`;
  return `${title} is running: it keeps its current profile until it is stopped, then ${what} applies.`;
}

function sameProfile(a: Profile, b: Profile): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
