// The admin PIN's file in ClassLab's data folder: its hash and the count of wrong tries, nothing else.
// Mode 0600, written atomically (a crash never leaves half a file). Deleting it is the documented way
// out of a forgotten PIN: it needs the desktop user's own rights on this folder, which a student in the
// browser does not have.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../secrets/secret-store';
import { Attempts } from './attempts';
import { PinHash } from './pin-hash';

export const PIN_FILE_NAME = 'admin-pin.json';

export const PinFile = z.object({ version: z.literal(1), pin: PinHash, attempts: Attempts });
export type PinFile = z.infer<typeof PinFile>;

/**
 * What the folder holds: no PIN; a PIN; or a file that is not one (damaged, edited by hand). A damaged
 * file locks like a PIN nobody knows — it must never read as "no PIN", which would open the admin area.
 */
export type PinFileState = { kind: 'none' } | { kind: 'set'; file: PinFile } | { kind: 'damaged' };

export function pinFilePath(dataDir: string): string {
  return path.join(dataDir, PIN_FILE_NAME);
}

export async function readPinFile(dataDir: string): Promise<PinFileState> {
  let text: string;
  try {
    text = await fs.readFile(pinFilePath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'damaged' };
  }
  try {
    const parsed = PinFile.safeParse(JSON.parse(text));
    return parsed.success ? { kind: 'set', file: parsed.data } : { kind: 'damaged' };
  } catch {
    return { kind: 'damaged' };
  }
}

export async function writePinFile(dataDir: string, file: PinFile): Promise<void> {
  await writeFileAtomic(pinFilePath(dataDir), Buffer.from(`${JSON.stringify(PinFile.parse(file), null, 2)}\n`), 0o600);
}

/** Removes the PIN (and its count of wrong tries). Returns whether there was one. */
export async function removePinFile(dataDir: string): Promise<boolean> {
  try {
    await fs.unlink(pinFilePath(dataDir));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
