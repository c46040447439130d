// The labs saved in the profile editor: <data>/profiles/catalog.json, in the catalog's own format, read
// beside the bundled catalog and the labs installed from packs (catalog.ts loadLabCatalogs; saved-layer.ts
// for how the layers stack). The file is untrusted input like any catalog (anyone who can write the data
// folder may have changed it): every read goes through the profile schema when the catalog loads. Here,
// before a change, the file's outline is read strictly: a file that is not JSON, or not the format, is
// an error that names it and changes nothing (it is never overwritten by a save). Every write is a
// temporary file renamed over the old one, so a crash never leaves half a file, and writes run one after
// another.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LAB_ID } from '../../api/contract';
import { LabError } from '../../api/errors';
import { writeFileAtomic } from '../secrets/secret-store';

export const SAVED_DIR = 'profiles';
export const MAX_SAVED_LABS = 500;

const SavedFile = z.object({
  schema: z.literal(1),
  labs: z.array(z.record(z.string(), z.unknown()).refine((p) => LAB_ID.safeParse(p.id).success, 'each lab has a lab id')).max(MAX_SAVED_LABS),
});
export type SavedEntry = Record<string, unknown> & { id: string };

export class SavedProfiles {
  readonly dir: string;
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, SAVED_DIR);
    this.file = path.join(this.dir, 'catalog.json');
  }

  /** The saved labs as written (none before the first save); a damaged file is a PROFILE_INVALID that names it. */
  async entries(): Promise<SavedEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new LabError('PROFILE_INVALID', `The saved labs' file ${this.file} cannot be read: ${(err as Error).message}. Nothing was changed.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw this.damaged(`it is not valid JSON (${(err as Error).message})`);
    }
    const parsed = SavedFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw this.damaged(`${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'not a catalog'}`);
    }
    return parsed.data.labs as SavedEntry[];
  }

  /** Adds the lab, or replaces the saved lab of its id. */
  put(entry: SavedEntry): Promise<void> {
    return this.change((labs) => {
      const at = labs.findIndex((l) => l.id === entry.id);
      if (at >= 0) labs[at] = entry;
      else if (labs.length >= MAX_SAVED_LABS) throw new LabError('REFUSED', `At most ${MAX_SAVED_LABS} labs can be saved.`);
      else labs.push(entry);
      return labs;
    });
  }

  /** Removes the saved lab of this id; false when there was none. */
  async remove(id: string): Promise<boolean> {
    let found = false;
    await this.change((labs) => {
      found = labs.some((l) => l.id === id);
      return labs.filter((l) => l.id !== id);
    });
    return found;
  }

  private change(edit: (labs: SavedEntry[]) => SavedEntry[]): Promise<void> {
    const next = this.queue.then(async () => {
      const labs = edit(await this.entries());
      await writeFileAtomic(this.file, Buffer.from(`${JSON.stringify({ schema: 1, labs }, null, 2)}\n`), 0o644);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private damaged(why: string): LabError {
    return new LabError('PROFILE_INVALID', `The saved labs' file ${this.file} is damaged: ${why}. Nothing was changed; fix the file or move it away.`);
  }
}
