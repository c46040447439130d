// The labs this computer installed from lab packs, in ClassLab's data folder:
//   labs/catalog.json        their profiles, in the catalog's own format (read beside the bundled catalog,
//                            profiles/catalog.ts loadLabCatalogs; an installed lab replaces a bundled one)
//   labs/installed.json      per lab: which pack (its manifest's SHA-256), who signed it, which image
//   labs/courses/<id>.bundle the pack's copy of the lab's course (git/course-bundle.ts reads it)
// Every write is a temporary file renamed over the old one, so a crash never leaves half a catalog.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LAB_ID } from '../../api/contract';
import { courseBundlePath } from '../git/course-bundle';
import { writeFileAtomic } from '../secrets/secret-store';
import { DIGEST, SHA256_HEX } from './pack-format';

export const INSTALLED_DIR = 'labs';

export const InstalledRecord = z.object({
  /** SHA-256 of the manifest of the pack the lab came from: the same pack again changes nothing. */
  pack: SHA256_HEX,
  signer: z.string().nullable(),
  image: DIGEST,
  installed: z.string(),
});
export type InstalledRecord = z.infer<typeof InstalledRecord>;

const RecordsFile = z.object({
  schema: z.literal(1),
  labs: z.record(LAB_ID, InstalledRecord),
  /** Images an update replaced that could not go yet (a container still used them): tried again later. */
  retired: z.array(DIGEST).max(256).default([]),
});
const CatalogFile = z.object({ schema: z.literal(1), labs: z.array(z.record(z.string(), z.unknown())) });

export interface LabToInstall {
  id: string;
  profile: Record<string, unknown>;
  record: InstalledRecord;
  /** A verified course bundle in a temporary file, moved into place; null when the pack has none. */
  courseFile: string | null;
}

export class InstalledLabs {
  readonly dir: string;

  constructor(private readonly dataDir: string) {
    this.dir = path.join(dataDir, INSTALLED_DIR);
  }

  coursePath(labId: string): string {
    return courseBundlePath(this.dataDir, labId);
  }

  async records(): Promise<Record<string, InstalledRecord>> {
    return (await this.file()).labs;
  }

  async retired(): Promise<string[]> {
    return (await this.file()).retired;
  }

  async setRetired(ids: string[]): Promise<void> {
    const file = await this.file();
    if (file.retired.length === ids.length && file.retired.every((id, i) => id === ids[i])) return;
    await this.write('installed.json', { ...file, retired: ids });
  }

  private async file(): Promise<z.infer<typeof RecordsFile>> {
    try {
      const parsed = RecordsFile.safeParse(JSON.parse(await fs.readFile(path.join(this.dir, 'installed.json'), 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // none yet, or damaged: no installed labs recorded
    }
    return { schema: 1, labs: {}, retired: [] };
  }

  /** Adds or replaces these labs; every other installed lab stays as it is. */
  async install(labs: LabToInstall[]): Promise<void> {
    for (const lab of labs) await fs.mkdir(path.dirname(this.coursePath(lab.id)), { recursive: true, mode: 0o700 });
    for (const lab of labs) {
      if (lab.courseFile) await fs.rename(lab.courseFile, this.coursePath(lab.id));
      else await fs.rm(this.coursePath(lab.id), { force: true });
    }
    const ids = new Set(labs.map((l) => l.id));
    const catalog = await this.catalog();
    const kept = catalog.filter((p) => !ids.has(String(p.id)));
    await this.write('catalog.json', { schema: 1, labs: [...kept, ...labs.map((l) => l.profile)] });
    const file = await this.file();
    for (const lab of labs) file.labs[lab.id] = lab.record;
    await this.write('installed.json', file);
  }

  private async catalog(): Promise<Array<Record<string, unknown>>> {
    try {
      const parsed = CatalogFile.safeParse(JSON.parse(await fs.readFile(path.join(this.dir, 'catalog.json'), 'utf8')));
      return parsed.success ? parsed.data.labs : [];
    } catch {
      return [];
    }
  }

  private write(name: string, value: unknown): Promise<void> {
    return writeFileAtomic(path.join(this.dir, name), Buffer.from(`${JSON.stringify(value, null, 2)}\n`), 0o644);
  }
}
