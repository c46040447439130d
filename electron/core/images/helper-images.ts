// ClassLab's own helper image: the gate (classlab/gate:N), whose image also runs the workspace disk helper
// (root, the host's /dev, every loop device) and the firewall helper (root, NET_ADMIN). No catalog, pack or
// profile may ever replace it, so:
//   - it is built only from the app's own images folder (never a catalog's), and
//   - it is run only by the image ID that build reported, never by its tag. The tag stays, for people
//     reading `docker images`, but whoever moves it (a `docker tag`, a build or pull of that name) changes
//     nothing ClassLab runs.
// The ID is recorded in the data folder per engine (its `docker info` ID): helper-images.json. With no
// record but the tag present (another data folder built it, e.g. CI's `classlab build` with a temporary
// CLASSLAB_HOME), a build through Docker's cache (seconds when cached) gives the trusted ID: the image the
// tag points at is never taken on trust.
import type Docker from 'dockerode';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LabError } from '../../api/errors';
import { GATE_IMAGE } from '../sandbox/policy';
import { buildImage, imageId, imagePresent, type ImageJob } from './images';

const IMAGE_ID = z.string().regex(/^sha256:[a-f0-9]{64}$/);
const HelperRecord = z.object({
  schema: z.literal(1),
  /** engine ID → image tag → the ID its build reported. */
  engines: z.record(z.string(), z.record(z.string(), IMAGE_ID)),
});
type HelperRecord = z.infer<typeof HelperRecord>;

export const HELPER_RECORD_FILE = 'helper-images.json';

/** The gate's Dockerfile folder inside the app's own images folder. */
export const GATE_CONTEXT = 'gate';

/**
 * - ready: this engine has the image this data folder recorded;
 * - unconfirmed: no usable record, but the tag is here: the next use confirms it by a cached build;
 * - missing: neither; the lab must be prepared (built) first.
 */
export type HelperImageState = 'ready' | 'unconfirmed' | 'missing';

const engineIds = new WeakMap<Docker, Promise<string>>();

interface EngineInfo {
  ID?: string;
  BuildahVersion?: string;
  Name?: string;
  DockerRootDir?: string;
}

/**
 * Which engine a record is for. Docker's `info` ID is stable. Podman's compatible API answers a new
 * random ID at every call (measured on 4.3), so a Podman engine is its host name and storage folder. A
 * key two engines share would do no harm: a recorded ID is used only when that engine has an image of
 * exactly that ID, and an image ID is the digest of its content.
 */
export function engineKey(info: EngineInfo): string {
  if (info.BuildahVersion && info.Name && info.DockerRootDir) return `podman:${info.Name}:${info.DockerRootDir}`;
  if (!info.ID) throw new LabError('ENGINE_DOWN', 'The Docker engine did not say which engine it is (docker info has no ID).');
  return info.ID;
}

export class HelperImages {
  private readonly building = new Map<string, Promise<string>>();

  constructor(
    private readonly docker: () => Docker,
    /** The app's own images folder (its bundled Dockerfiles), never a catalog's. */
    private readonly imagesDir: string,
    private readonly dataDir: string,
  ) {}

  /** The tag people see; never what ClassLab runs. */
  readonly tag = GATE_IMAGE;

  async state(): Promise<HelperImageState> {
    const docker = this.docker();
    if (await this.recorded(docker)) return 'ready';
    return (await imagePresent(docker, this.tag)) ? 'unconfirmed' : 'missing';
  }

  /**
   * The trusted ID of the gate image on this engine: the recorded one, or the one a build through Docker's
   * cache gives when only the tag is here. IMAGE_MISSING when the engine has neither.
   */
  async gateId(): Promise<string> {
    const docker = this.docker();
    const known = await this.recorded(docker);
    if (known) return known;
    if (!(await imagePresent(docker, this.tag))) {
      throw new LabError(
        'IMAGE_MISSING',
        `ClassLab's gate image (${this.tag}) is not on this computer. Install the lab's image first (classlab build LAB), which builds it too.`,
      );
    }
    return this.build({ onProgress: () => undefined });
  }

  /** Builds the gate from the app's own Dockerfile (a cached build takes seconds) and records its ID. */
  build(job: ImageJob): Promise<string> {
    const docker = this.docker();
    return this.engineId(docker).then((engine) => {
      const running = this.building.get(engine);
      if (running) return running;
      const promise = this.buildAndRecord(docker, engine, job).finally(() => this.building.delete(engine));
      this.building.set(engine, promise);
      return promise;
    });
  }

  private async buildAndRecord(docker: Docker, engine: string, job: ImageJob): Promise<string> {
    const id = await buildImage(docker, path.join(this.imagesDir, GATE_CONTEXT), this.tag, job);
    if (!id || !IMAGE_ID.safeParse(id).success)
      throw new LabError('BUILD_FAILED', `Building ${this.tag} reported no image ID, so ClassLab cannot run it safely.`);
    const record = await this.read();
    record.engines[engine] = { ...record.engines[engine], [this.tag]: id };
    await this.write(record);
    return id;
  }

  /**
   * Records an image loaded from a trusted lab pack as this engine's gate: only for an engine with no gate
   * this data folder recorded (a PC that cannot build one, being offline). A gate of this computer's own
   * is never replaced by a pack's; `classlab build` with a network makes one and records it over this.
   */
  async adoptFromPack(id: string): Promise<boolean> {
    if (!IMAGE_ID.safeParse(id).success) return false;
    const docker = this.docker();
    if (await this.recorded(docker)) return false;
    if ((await imageId(docker, id)) !== id) return false;
    const engine = await this.engineId(docker);
    const record = await this.read();
    record.engines[engine] = { ...record.engines[engine], [this.tag]: id };
    await this.write(record);
    return true;
  }

  /** The recorded ID when this engine still has that very image, else null. */
  private async recorded(docker: Docker): Promise<string | null> {
    const id = (await this.read()).engines[await this.engineId(docker)]?.[this.tag];
    if (!id) return null;
    return (await imageId(docker, id)) === id ? id : null;
  }

  private engineId(docker: Docker): Promise<string> {
    let id = engineIds.get(docker);
    if (!id) {
      id = (docker.info() as Promise<EngineInfo>).then(engineKey);
      engineIds.set(docker, id);
      id.catch(() => engineIds.delete(docker));
    }
    return id;
  }

  private file(): string {
    return path.join(this.dataDir, HELPER_RECORD_FILE);
  }

  /** The record; a missing or damaged file is an empty record (the next use rebuilds through the cache). */
  private async read(): Promise<HelperRecord> {
    try {
      const parsed = HelperRecord.safeParse(JSON.parse(await readFile(this.file(), 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // missing or not JSON
    }
    return { schema: 1, engines: {} };
  }

  private async write(record: HelperRecord): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const tmp = `${this.file()}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file());
  }
}
