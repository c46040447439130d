// Lab packs: export labs into one signed file, inspect one, verify one, import one. One pack job at a time
// (an export and an import would fight over the disk and the engine); each reports one progress bar and
// can be cancelled. What the file holds and how it is checked: pack-format.ts, pack-check.ts.
//
// Import order, so a refused pack changes nothing: the structure, the signature and this computer's trust,
// the manifest against the archive, every profile by the untrusted-profile rules, then the digest of every
// byte — and only then the engine loads anything. A failure after loading removes the images this import
// added. Labs install into ClassLab's data folder (installed-labs.ts) and appear through the live catalog;
// a lab running meanwhile keeps running and takes its update at its next open (labs.ts, containers.ts).
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PackImportResult, PackProgress, PackSummary } from '../../api/contract';
import { LabError } from '../../api/errors';
import { checkBundle, CourseBundleError } from '../git/course-bundle';
import type { HelperImages } from '../images/helper-images';
import { imageId } from '../images/images';
import type { CatalogChange } from '../labs/labs';
import type { ExerciseStore } from '../exercises/store';
import type { Logger } from '../log';
import type { HostPolicy } from '../profiles/mount-policy';
import type { Profile } from '../profiles/schema';
import { GATE_IMAGE } from '../sandbox/policy';
import type { SettingsStore } from '../settings';
import { CLASSLAB_VERSION } from '../version';
import { loadImages } from './image-load';
import { saveImages, type ImageToSave } from './image-save';
import { InstalledLabs, type LabToInstall } from './installed-labs';
import { checkContents, checkDigests, openPack, type CheckedPack, type OpenPack } from './pack-check';
import { stageExercises, writeLabExercises } from './pack-exercises';
import { entryChunks, packInvalid, PackWriter } from './pack-file';
import { coursePart, Manifest, MANIFEST_ENTRY, PACK_FORMAT, SIGNATURE_ENTRY, type PackImageEntry } from './pack-format';
import type { PackKeys } from './pack-signing';
import { ZstdPool } from './zstd';

export interface PacksDeps {
  docker(): Docker;
  dataDir: string;
  keys: PackKeys;
  settings: SettingsStore;
  policy: HostPolicy;
  /** The profiles of this computer's labs now. */
  profiles(): Profile[];
  /** ClassLab's gate: exported with every pack, taken from one only where this engine has none of its own. */
  helpers: Pick<HelperImages, 'state' | 'gateId' | 'adoptFromPack'>;
  reloadCatalog(): Promise<CatalogChange>;
  /** The labs' installed exercises: exported with their labs, installed from a pack with them (hidden tests stay on the host). */
  exercises: Pick<ExerciseStore, 'list' | 'files' | 'installMany'>;
  /** Writes a git bundle of the lab's course branch to outFile (git/course-bundle.ts); null: not available. */
  bundleCourse: ((profile: Profile, outFile: string, signal: AbortSignal) => Promise<void>) | null;
  progress(p: PackProgress): void;
  log: Logger;
}

type Job = PackProgress['job'];

export class Packs {
  private running: { job: Job; abort: AbortController } | null = null;
  private readonly pool = new ZstdPool(2);
  readonly installed: InstalledLabs;

  constructor(private readonly d: PacksDeps) {
    this.installed = new InstalledLabs(d.dataDir);
  }

  /** This computer's own signing key's fingerprint; null before its first export. */
  ownFingerprint(): Promise<string | null> {
    return this.d.keys.fingerprint();
  }

  /** What a pack holds and who signed it, from its signed manifest; nothing is loaded or fully read. */
  async inspect(file: string): Promise<PackSummary> {
    const pack = await openPack(file);
    try {
      return await this.summary(pack);
    } finally {
      await pack.handle.close();
    }
  }

  /** Every check of an import, loading nothing. Resolves only for a pack that is whole, signed and trusted. */
  verify(file: string, opts: { trustSigner: boolean } = { trustSigner: false }): Promise<PackSummary> {
    return this.exclusive('verify', async (signal, report) => {
      const pack = await openPack(file);
      try {
        const checked = await this.check(pack, opts.trustSigner);
        await (await stageExercises(checked, this.d.dataDir)).remove();
        await checkDigests(pack, (done, total) => report('Checking every part of the pack', done / Math.max(1, total)), signal);
        return await this.summary(pack);
      } finally {
        await pack.handle.close();
      }
    });
  }

  import(file: string, opts: { trustSigner: boolean }): Promise<PackImportResult> {
    return this.exclusive('import', async (signal, report) => {
      const pack = await openPack(file);
      try {
        return await this.importOpen(pack, opts, signal, report);
      } finally {
        await pack.handle.close();
      }
    });
  }

  /** Writes one pack of these labs to outFile (through a temporary name: a failed export leaves nothing there). */
  export(labIds: string[], outFile: string): Promise<{ bytes: number; signer: string }> {
    return this.exclusive('export', (signal, report) => this.exportNow(labIds, outFile, signal, report));
  }

  /** Cancels the running pack job, if any. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort.abort();
    return true;
  }

  async close(): Promise<void> {
    this.cancel();
    await this.pool.close();
  }

  private async exclusive<T>(job: Job, work: (signal: AbortSignal, report: (stage: string, fraction: number | null) => void) => Promise<T>): Promise<T> {
    if (this.running) throw new LabError('BUSY', `A lab pack ${this.running.job} is running; wait for it or cancel it first.`);
    const abort = new AbortController();
    this.running = { job, abort };
    let last = 0;
    const report = (stage: string, fraction: number | null) => {
      const now = Date.now();
      if (now - last < 200 && fraction !== null && fraction < 1) return;
      last = now;
      this.d.progress({ job, stage, fraction: fraction === null ? null : Math.max(0, Math.min(1, fraction)), done: false, error: null });
    };
    try {
      const result = await work(abort.signal, report);
      this.d.progress({ job, stage: 'Done', fraction: 1, done: true, error: null });
      return result;
    } catch (err) {
      const error =
        abort.signal.aborted && !(err instanceof LabError && err.code !== 'CANCELLED')
          ? new LabError('CANCELLED', `The ${job} was cancelled; nothing was changed.`)
          : err;
      this.d.progress({ job, stage: 'Stopped', fraction: null, done: true, error: (error as Error).message });
      throw error;
    } finally {
      this.running = null;
    }
  }

  private async check(pack: OpenPack, trustSigner: boolean): Promise<CheckedPack> {
    const imagesInUse = new Map(this.d.profiles().map((p) => [p.id, p.image]));
    return checkContents(
      pack,
      { trust: this.d.settings.get().trust, own: await this.d.keys.fingerprint(), trustSigner },
      { policy: this.d.policy, imagesInUse },
    );
  }

  private async importOpen(
    pack: OpenPack,
    opts: { trustSigner: boolean },
    signal: AbortSignal,
    report: (stage: string, fraction: number | null) => void,
  ): Promise<PackImportResult> {
    const docker = this.d.docker();
    report('Checking the pack', 0);
    const checked = await this.check(pack, opts.trustSigner);
    // Every exercise is checked whole before anything else is read or loaded: a bad one refuses the pack.
    const exercises = await stageExercises(checked, this.d.dataDir);
    try {
      return await this.importChecked(docker, checked, exercises.items, opts, signal, report);
    } finally {
      await exercises.remove();
    }
  }

  private async importChecked(
    docker: Docker,
    checked: CheckedPack,
    exercises: Parameters<PacksDeps['exercises']['installMany']>[0],
    opts: { trustSigner: boolean },
    signal: AbortSignal,
    report: (stage: string, fraction: number | null) => void,
  ): Promise<PackImportResult> {
    const { manifest } = checked;
    const labIds = checked.profiles.map((p) => p.id);
    const presentBefore = new Set<string>();
    for (const image of manifest.images) if ((await imageId(docker, image.id)) === image.id) presentBefore.add(image.id);

    const records = await this.installed.records();
    const labImages = manifest.images.filter((i) => i.role === 'lab');
    const current = new Map(this.d.profiles().map((p) => [p.id, p]));
    const same = labIds.every((id) => records[id]?.pack === checked.manifestSha256 && current.has(id)) && labImages.every((i) => presentBefore.has(i.id));
    if (same && (await this.tagsInPlace(docker, labImages))) {
      return { labs: labIds, imagesLoaded: 0, imagesPresent: manifest.images.length, unchanged: true };
    }

    await checkDigests(checked, (done, total) => report('Checking every part of the pack', (0.3 * done) / Math.max(1, total)), signal);
    this.trustSigner(checked.signer, opts.trustSigner);

    // The gate comes from the pack only for an engine that has none of this computer's own.
    const ownGate = (await this.d.helpers.state()) === 'ready';
    const toLoad = manifest.images.filter((i) => !presentBefore.has(i.id) && !(i.role === 'helper' && ownGate));
    const loadBytes = sumLayers(checked, toLoad);
    let loaded = false;
    try {
      signal.throwIfAborted();
      report('Loading images', 0.3);
      await loadImages(docker, checked, toLoad, this.pool, { signal, onBytes: (n) => report('Loading images', 0.3 + (0.65 * n) / Math.max(1, loadBytes)) });
      loaded = true;
      for (const image of labImages.filter((i) => presentBefore.has(i.id))) await this.tag(docker, image);
      const helper = manifest.images.find((i) => i.role === 'helper');
      if (helper && !ownGate && (await this.d.helpers.adoptFromPack(helper.id))) {
        this.d.log.info('gate image taken from a lab pack', { signer: checked.signer, image: helper.id });
      }
      signal.throwIfAborted();
      report('Installing labs', 0.97);
      const labs = await this.labsToInstall(checked, signal);
      // The exercises and the labs go in together: if the labs cannot be written, the exercises are put back.
      const swap = await this.d.exercises.installMany(exercises);
      try {
        await this.installed.install(labs);
      } catch (err) {
        await swap.rollback();
        throw err;
      }
      await swap.commit();
    } catch (err) {
      if (loaded || toLoad.length)
        await this.removeImages(
          docker,
          toLoad.map((i) => i.id).filter((id) => !presentBefore.has(id)),
        );
      throw err;
    }
    await this.d.reloadCatalog();
    await this.pruneReplaced(docker, records, checked);
    this.d.log.info('lab pack imported', { labs: labIds, signer: checked.signer, loaded: toLoad.length });
    return { labs: labIds, imagesLoaded: toLoad.length, imagesPresent: manifest.images.length - toLoad.length, unchanged: false };
  }

  private trustSigner(signer: string | null, asked: boolean): void {
    if (!asked || !signer) return;
    const trust = this.d.settings.get().trust;
    if (trust.packSigners.includes(signer)) return;
    this.d.settings.update({ trust: { ...trust, packSigners: [...trust.packSigners, signer] } });
    this.d.log.info('pack signer trusted', { signer });
  }

  private async labsToInstall(pack: CheckedPack, signal: AbortSignal): Promise<LabToInstall[]> {
    const out: LabToInstall[] = [];
    const now = new Date().toISOString();
    for (const [i, lab] of pack.manifest.labs.entries()) {
      const profile = pack.profiles[i] as Profile;
      let courseFile: string | null = null;
      if (lab.course) {
        // Copied out of the checked pack (its digest was checked above); the copy is made beside its final place.
        courseFile = path.join(this.installed.dir, `.${profile.id}.${randomBytes(6).toString('hex')}.bundle`);
        await fs.mkdir(this.installed.dir, { recursive: true });
        const entry = pack.entries.get(lab.course);
        if (entry) await fs.writeFile(courseFile, entryChunks(pack.handle, entry, signal), { mode: 0o600 });
        // A bundle is hostile too (git takes refs, prerequisites and objects from it): exactly the
        // profile's branch, whole, with objects git's own fsck accepts.
        try {
          await checkBundle(courseFile, profile.course?.branch ?? 'main', { signal });
        } catch (err) {
          await fs.rm(courseFile, { force: true });
          if (err instanceof CourseBundleError) throw packInvalid(`The pack's copy of the course of ${profile.id} was refused: ${err.message}`);
          throw err;
        }
      }
      out.push({
        id: profile.id,
        profile: lab.profile,
        courseFile,
        record: { pack: pack.manifestSha256, signer: pack.signer, image: lab.image, installed: now },
      });
    }
    return out;
  }

  private async tagsInPlace(docker: Docker, images: PackImageEntry[]): Promise<boolean> {
    for (const image of images) for (const tag of image.tags) if ((await imageId(docker, tag)) !== image.id) return false;
    return true;
  }

  private async tag(docker: Docker, image: PackImageEntry): Promise<void> {
    for (const ref of image.tags) {
      const at = ref.lastIndexOf(':');
      const tagged = at > ref.lastIndexOf('/');
      await docker.getImage(image.id).tag({ repo: tagged ? ref.slice(0, at) : ref, tag: tagged ? ref.slice(at + 1) : 'latest' });
    }
  }

  private async removeImages(docker: Docker, ids: string[]): Promise<void> {
    for (const id of ids) {
      await docker
        .getImage(id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }

  /** The images the updated labs used before: retired, and removed once no lab and no container uses them. */
  private async pruneReplaced(docker: Docker, before: Record<string, { image: string }>, pack: CheckedPack): Promise<void> {
    const replaced = pack.manifest.labs
      .map((lab) => before[String(lab.profile.id)]?.image)
      .filter((id, i): id is string => !!id && id !== pack.manifest.labs[i]?.image);
    await this.installed.setRetired([...new Set([...(await this.installed.retired()), ...replaced])]);
    await this.pruneRetired();
  }

  /**
   * Removes the retired images that nothing uses any more: no lab's profile names them and no container
   * was made from them (not forced: a lab still running on its old image keeps it until its next open).
   * Runs after every import and when ClassLab starts.
   */
  async pruneRetired(): Promise<void> {
    const retired = await this.installed.retired();
    if (!retired.length) return;
    const docker = this.d.docker();
    const inUse = new Set<string>();
    for (const p of this.d.profiles()) {
      const id = await imageId(docker, p.image).catch(() => null);
      if (id) inUse.add(id);
    }
    const left: string[] = [];
    for (const id of retired) {
      // A lab's profile still names it (one running on its old version, its update waiting): later.
      if (inUse.has(id)) {
        left.push(id);
        continue;
      }
      const gone = await docker
        .getImage(id)
        .remove()
        .then(
          () => true,
          (err: { statusCode?: number; message?: string }) => {
            if (err.statusCode === 404) return true;
            this.d.log.info('replaced image kept for now', { image: id, why: err.message });
            return false;
          },
        );
      if (!gone) left.push(id);
    }
    await this.installed.setRetired(left);
  }

  private async exportNow(
    labIds: string[],
    outFile: string,
    signal: AbortSignal,
    report: (stage: string, fraction: number | null) => void,
  ): Promise<{ bytes: number; signer: string }> {
    const docker = this.d.docker();
    const profiles = [...new Set(labIds)].map((id) => {
      const profile = this.d.profiles().find((p) => p.id === id);
      if (!profile) throw new LabError('LAB_NOT_FOUND', `There is no lab "${id}".`);
      return profile;
    });
    report('Preparing', 0);
    const images = new Map<string, ImageToSave>();
    let total = 0;
    for (const profile of profiles) {
      const id = await imageId(docker, profile.image);
      if (!id)
        throw new LabError('IMAGE_MISSING', `The image of ${profile.title} (${profile.image}) is not on this computer: install the lab first, then export it.`);
      const image = images.get(id) ?? { id, tags: [], role: 'lab' as const };
      if (!image.tags.includes(profile.image)) image.tags.push(profile.image);
      images.set(id, image);
    }
    const gate = await this.d.helpers.gateId();
    images.set(gate, { id: gate, tags: [GATE_IMAGE], role: 'helper' });
    for (const id of images.keys()) total += (await docker.getImage(id).inspect()).Size ?? 0;

    const signer = await this.d.keys.signer();
    await fs.mkdir(path.dirname(outFile), { recursive: true });
    const tmp = `${outFile}.partial-${randomBytes(4).toString('hex')}`;
    const writer = await PackWriter.create(tmp);
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'classlab-pack-'));
    try {
      const parts: Manifest['parts'] = {};
      const labs: Manifest['labs'] = [];
      const exerciseNumber = { n: 0 };
      for (const profile of profiles) {
        let course: string | null = null;
        if (profile.course) {
          if (!this.d.bundleCourse) throw new LabError('NOT_SUPPORTED', `${profile.title} has a course repository, and this ClassLab cannot pack courses yet.`);
          report(`Copying the course of ${profile.title}`, null);
          const file = path.join(scratch, `${profile.id}.bundle`);
          await this.d.bundleCourse(profile, file, signal);
          course = coursePart(profile.id);
          parts[course] = await writer.add(course, createReadStream(file));
        }
        const { build: _build, ...packed } = profile;
        labs.push({
          profile: packed as Record<string, unknown>,
          image: [...images.values()].find((i) => i.tags.includes(profile.image))?.id as string,
          course,
          exercises: await writeLabExercises(this.d.exercises, profile.id, writer, parts, exerciseNumber),
        });
      }
      const saved = await saveImages(docker, [...images.values()], writer, this.pool, {
        signal,
        onBytes: (n) => report('Saving and compressing images', (0.98 * n) / Math.max(1, total)),
      });
      Object.assign(parts, saved.parts);
      const manifest: Manifest = {
        kind: 'classlab-pack',
        format: PACK_FORMAT,
        classlab: CLASSLAB_VERSION,
        created: new Date().toISOString(),
        labs,
        images: saved.images,
        layers: saved.layers,
        parts,
      };
      const manifestBytes = Buffer.from(`${JSON.stringify(Manifest.parse(manifest), null, 1)}\n`);
      await writer.add(MANIFEST_ENTRY, [manifestBytes]);
      await writer.add(SIGNATURE_ENTRY, [Buffer.from(JSON.stringify(signer.sign(manifestBytes)))]);
      signal.throwIfAborted();
      const bytes = await writer.finish();
      await fs.rename(tmp, outFile);
      this.d.log.info('lab pack exported', { labs: labIds, bytes, signer: signer.fingerprint });
      return { bytes, signer: signer.fingerprint };
    } catch (err) {
      await writer.close();
      await fs.rm(tmp, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
        throw new LabError(
          'DISK_FULL',
          `There is no room for the pack in ${path.dirname(outFile)}: free some space or write it to another disk. No file was left.`,
        );
      throw err;
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  private async summary(pack: OpenPack): Promise<PackSummary> {
    const { manifest } = pack;
    const records = await this.installed.records();
    const current = new Set(this.d.profiles().map((p) => p.id));
    const own = await this.d.keys.fingerprint();
    const trust = this.d.settings.get().trust;
    let docker: Docker | null;
    try {
      docker = this.d.docker();
    } catch {
      docker = null; // the engine is down: nothing is present
    }
    const images = [];
    for (const image of manifest.images) {
      const present = docker ? (await imageId(docker, image.id).catch(() => null)) === image.id : false;
      images.push({ id: image.id, tags: image.tags, bytes: image.layers.reduce((n, d) => n + (manifest.layers[d]?.size ?? 0), 0), role: image.role, present });
    }
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    return {
      fileName: path.basename(pack.file),
      bytes: pack.bytes,
      format: manifest.format,
      classlabVersion: manifest.classlab,
      created: manifest.created,
      labs: manifest.labs.map((l) => {
        const id = text(l.profile.id, 40);
        return {
          id,
          title: text(l.profile.title, 80) || id,
          description: text(l.profile.description, 500),
          image: text(l.profile.image, 256),
          change: records[id]?.pack === pack.manifestSha256 && current.has(id) ? ('same' as const) : current.has(id) ? ('update' as const) : ('new' as const),
          course: l.course !== null,
          exercises: l.exercises.length,
        };
      }),
      images,
      signer: pack.signer
        ? { fingerprint: pack.signer, trusted: pack.signer === own || trust.packSigners.includes(pack.signer), own: pack.signer === own }
        : null,
    };
  }
}

function sumLayers(pack: CheckedPack, images: PackImageEntry[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const image of images)
    for (const d of image.layers) {
      if (seen.has(d)) continue;
      seen.add(d);
      n += pack.manifest.layers[d]?.size ?? 0;
    }
  return n;
}
