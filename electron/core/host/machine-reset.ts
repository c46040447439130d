// Reset this machine (host:resetPlan, host:reset; `classlab reset --all`), remove the overview's orphans
// (host:removeOrphans) and delete one lab (host:deleteLab). Only this ClassLab's namespace is touched:
// every object is found by its `classlab.instance` label, equal to the namespace, never by a name
// prefix, so other ClassLabs (and test runs) on the same engine keep theirs.
//
// The order of a reset, each step only after the one before succeeded:
// 1. the plan (machine-reset-plan.ts), from the labelled objects and the catalog;
// 2. a backup of every workspace of the catalog's labs, each verified (size and SHA-256 read back from
//    the file against its manifest) — a failed or unverifiable backup stops the reset before anything
//    is removed;
// 3. each lab stopped and removed through its own LabContainers (the workspace disk detached before its
//    volume goes), then a sweep of whatever is still labelled (files helpers, quick-run containers,
//    orphans, the gates' network), disks detached before volumes;
// 4. the labs' images, when asked: removed by tag without force, so an image a container still uses
//    (another ClassLab's) stays and is reported;
// 5. the saved state: per-lab git state, the last opened lab, and the saved git sign-ins (a group's
//    tokens must not be left for the next group), unless asked to keep them;
// 6. a listing again: whatever still carries the label is reported in `left` (the CLI exits non-zero).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { BackupInfo, HostProgress, ResetObject, ResetOptions, ResetPlan, ResetResult } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Labs } from '../labs/labs';
import { LABEL, labNames } from '../labs/naming';
import type { Logger } from '../log';
import type { Profile } from '../profiles/schema';
import { removeNamespaceVolumes, WorkspaceDisk } from '../sandbox/disk';
import type { SettingsStore } from '../settings';
import { BACKUPS_DIR, type Backups } from './backups';
import { leftBehind, planReset, type ListedObject } from './machine-reset-plan';

export interface MachineResetDeps {
  docker: () => Docker;
  namespace: string;
  labs: Labs;
  backups: Backups;
  dataDir: string;
  settings: SettingsStore;
  /** The gate image's trusted ID (the disk helper runs it), or null when there is none (then no disk was ever attached). */
  helperImage: () => Promise<string | null>;
  progress: (p: HostProgress) => void;
  /** Forgets every saved git sign-in; how many there were. */
  forgetSignIns: () => Promise<number>;
  log: Logger;
}

const GIT_STATE_DIR = 'git';

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

export class MachineReset {
  private busy: string | null = null;

  constructor(private readonly deps: MachineResetDeps) {}

  /** Every container, volume and network with this namespace's label. */
  async listed(): Promise<ListedObject[]> {
    const docker = this.deps.docker();
    const filters = { label: [`${LABEL.instance}=${this.deps.namespace}`] };
    const [containers, volumes, networks] = await Promise.all([
      docker.listContainers({ all: true, filters }),
      docker.listVolumes({ filters }),
      docker.listNetworks({ filters }),
    ]);
    return [
      ...containers.map((c) => ({ kind: 'container' as const, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), labels: c.Labels })),
      ...(volumes.Volumes ?? []).map((v) => ({ kind: 'volume' as const, name: v.Name, labels: v.Labels })),
      ...networks.map((n) => ({ kind: 'network' as const, name: n.Name, labels: n.Labels })),
    ];
  }

  async plan(options: ResetOptions): Promise<ResetPlan> {
    const docker = this.deps.docker();
    const entries = this.deps.labs.all();
    const images = [...new Set(entries.map((e) => e.lab.profile.image))];
    const present = options.images
      ? (
          await Promise.all(
            images.map((i) =>
              docker
                .getImage(i)
                .inspect()
                .then(
                  () => i,
                  () => null,
                ),
            ),
          )
        ).filter((i): i is string => i !== null)
      : [];
    return planReset({
      namespace: this.deps.namespace,
      options,
      labs: entries.map((e) => ({ labId: e.lab.profile.id, title: e.lab.profile.title, phase: e.lab.view.phase, image: e.lab.profile.image })),
      objects: await this.listed(),
      presentImages: present,
      backupsDir: path.join(this.deps.dataDir, BACKUPS_DIR),
      state: [
        `Course sync state and snapshots of every lab (${path.join(this.deps.dataDir, GIT_STATE_DIR)}/LAB)`,
        'Which lab was opened last',
        ...(options.keepSignIns ? [] : ['Saved git sign-ins (tokens for course and student repositories)']),
      ],
    });
  }

  async reset(options: ResetOptions): Promise<ResetResult> {
    return this.exclusive('A machine reset', async () => {
      const started = Date.now();
      const plan = await this.plan(options);
      const building = this.deps.labs.all().find((e) => e.lab.operation === 'building');
      if (building) throw new LabError('BUSY', `${building.lab.profile.title} is being built: wait until it is done, then reset the machine.`);

      // 2. Backups, each verified, before anything goes.
      const toBackUp = plan.labs.filter((l) => l.backup);
      const backups: BackupInfo[] = [];
      for (const [n, l] of toBackUp.entries()) {
        this.step('backup', l.labId, n, toBackUp.length, `Backing up ${l.title}…`);
        backups.push(await this.verifiedBackup(l.labId));
      }
      this.deps.log.info('machine reset: backups verified', { namespace: this.deps.namespace, backups: backups.length });

      // 3. Every lab through its own containers, then the sweep of everything else labelled.
      const entries = this.deps.labs.all();
      const total = entries.length + 1;
      for (const [n, e] of entries.entries()) {
        this.step('remove', e.lab.profile.id, n, total, `Removing ${e.lab.profile.title}…`);
        await this.removeLab(e.lab.profile.id);
      }
      this.step('remove', null, entries.length, total, 'Removing what is left (helpers, orphans, networks)…');
      await this.sweep();

      // 4. Images, when asked.
      const removedImages: ResetObject[] = [];
      const kept: ResetResult['kept'] = [];
      const images = plan.objects.filter((o) => o.kind === 'image');
      for (const [n, image] of images.entries()) {
        this.step('images', image.name, n, images.length, `Removing the image ${image.name}…`);
        try {
          await this.deps.docker().getImage(image.name).remove();
          removedImages.push(image);
        } catch (err) {
          if (statusOf(err) === 404) continue;
          kept.push({ ...image, reason: statusOf(err) === 409 ? 'A container outside this ClassLab still uses it.' : (err as Error).message });
        }
      }

      // 5. Saved state.
      this.step('state', null, 0, 1, 'Forgetting saved state…');
      await this.forgetState(entries.map((e) => e.lab.profile.id));
      this.deps.settings.update({ lastOpenedLab: null });
      const signInsForgotten = options.keepSignIns ? 0 : await this.deps.forgetSignIns();

      // 6. What is left, and every lab's view read again (a fresh launcher).
      const left = leftBehind(await this.listed(), this.deps.namespace);
      await Promise.all(entries.map((e) => e.lab.refresh().catch(() => undefined)));
      const result: ResetResult = {
        namespace: this.deps.namespace,
        backups,
        removed: [...plan.objects.filter((o) => o.kind !== 'image' && !left.some((l) => l.kind === o.kind && l.name === o.name)), ...removedImages],
        kept,
        left,
        signInsForgotten,
        tookMs: Date.now() - started,
      };
      this.step('done', null, 1, 1, left.length ? `${left.length} objects could not be removed.` : 'This machine is reset.');
      this.deps.log.info('machine reset', { namespace: this.deps.namespace, removed: result.removed.length, left: left.length, kept: kept.length });
      return result;
    });
  }

  /** Removes the objects of this namespace whose lab is in no profile (the overview's orphans). */
  async removeOrphans(): Promise<ResetObject[]> {
    return this.exclusive('Removing orphans', async () => {
      const known = new Set(this.deps.labs.all().map((e) => e.lab.profile.id));
      const orphans = planReset({
        namespace: this.deps.namespace,
        options: { images: false, noBackup: true },
        labs: [],
        objects: await this.listed(),
        presentImages: [],
        backupsDir: '',
        state: [],
      }).objects.filter((o) => o.labId !== null && !known.has(o.labId));
      const docker = this.deps.docker();
      for (const o of orphans.filter((x) => x.kind === 'container')) await ignore404(docker.getContainer(o.name).remove({ force: true, v: false }));
      // A workspace's disk is detached before its volumes go (else its loop device holds the deleted image).
      for (const labId of new Set(orphans.filter((o) => o.kind === 'volume').map((o) => o.labId!))) await this.removeDisk(labId);
      for (const o of orphans.filter((x) => x.kind === 'volume')) await ignore404(docker.getVolume(o.name).remove());
      for (const o of orphans.filter((x) => x.kind === 'network')) await ignore404(docker.getNetwork(o.name).remove());
      this.deps.log.info('orphans removed', { namespace: this.deps.namespace, removed: orphans.length });
      return orphans;
    });
  }

  /** Deletes one lab's containers and workspace, after a verified backup (when it has a workspace). */
  async deleteLab(labId: string): Promise<BackupInfo | null> {
    return this.exclusive(`Deleting ${labId}`, async () => {
      const entry = this.deps.labs.get(labId);
      if (entry.lab.operation === 'building') throw new LabError('BUSY', `${entry.lab.profile.title} is being built: wait until it is done.`);
      const hasWorkspace = (await this.listed()).some((o) => o.kind === 'volume' && o.labels?.[LABEL.lab] === labId && o.labels?.[LABEL.role] === 'workspace');
      let backup: BackupInfo | null = null;
      if (hasWorkspace) {
        this.step('backup', labId, 0, 2, `Backing up ${entry.lab.profile.title}…`);
        backup = await this.verifiedBackup(labId);
      }
      this.step('remove', labId, 1, 2, `Removing ${entry.lab.profile.title}…`);
      await this.removeLab(labId);
      await this.forgetState([labId]);
      await entry.lab.refresh().catch(() => undefined);
      this.step('done', labId, 2, 2, `${entry.lab.profile.title} is deleted.`);
      this.deps.log.info('lab deleted', { lab: labId, backup: backup?.file ?? null });
      return backup;
    });
  }

  private async verifiedBackup(labId: string): Promise<BackupInfo> {
    const b = await this.deps.backups.backup(labId);
    await this.deps.backups.verify(b.file);
    return b;
  }

  /** Stops the lab (a start is cancelled), then removes its containers, network, workspace disk and volumes. */
  private async removeLab(labId: string): Promise<void> {
    const entry = this.deps.labs.get(labId);
    await entry.lab.reset().catch((err: Error) => this.deps.log.warn('lab not reset before removal', { lab: labId, error: err.message }));
    await entry.containers.removeEverything();
  }

  /** Everything still labelled: containers, then volumes (disks detached first), then networks. */
  private async sweep(): Promise<void> {
    const docker = this.deps.docker();
    const listed = await this.listed();
    await Promise.all(listed.filter((o) => o.kind === 'container').map((o) => ignore404(docker.getContainer(o.name).remove({ force: true, v: false }))));
    await removeNamespaceVolumes(docker, this.deps.namespace, await this.deps.helperImage());
    for (const o of listed.filter((x) => x.kind === 'network')) await ignore404(docker.getNetwork(o.name).remove()).catch(() => undefined);
  }

  /** The workspace disk of a lab no profile names: detached, then its volumes removed. */
  private async removeDisk(labId: string): Promise<void> {
    const image = await this.deps.helperImage();
    if (!image) return;
    // Only what the disk helper reads of a profile: the disk's names come from the namespace and the id.
    const profile = { id: labId, resources: { diskMiB: 32 }, server: { user: '1000:1000' } } as Profile;
    const disk = new WorkspaceDisk(this.deps.docker, profile, this.deps.namespace, labNames(this.deps.namespace, labId), () => Promise.resolve(image));
    await disk.remove().catch((err: Error) => this.deps.log.warn('orphan disk not removed', { lab: labId, error: err.message }));
  }

  private async forgetState(labIds: string[]): Promise<void> {
    for (const id of labIds) await fs.rm(path.join(this.deps.dataDir, GIT_STATE_DIR, id), { recursive: true, force: true });
  }

  private step(stage: HostProgress['stage'], subject: string | null, done: number, total: number, message: string): void {
    this.deps.progress({ stage, subject, done, total, message });
  }

  private async exclusive<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.busy) throw new LabError('BUSY', `${this.busy} is under way: wait until it is done.`);
    this.busy = what;
    try {
      return await work();
    } finally {
      this.busy = null;
    }
  }
}

async function ignore404(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}
