// ClassLab's seccomp profile as a file, for Podman. Docker's API takes the profile itself in
// `SecurityOpt: ["seccomp=<JSON>"]` (the docker CLI reads the file and sends its contents); Podman's
// compatible API (4.3, measured) takes whatever follows `seccomp=` as a path on the engine's host and
// fails with "opening seccomp profile failed: open {…}: file name too long". So for Podman the profile is
// written to ClassLab's own data folder (0700: nobody else may swap in a weaker profile) under a name
// that is its content's digest, and the lab gets that path. The service reads it when it creates the
// container; a local Podman, rootful or rootless, sees the same file system. (A Podman machine sees the
// desktop user's home folder at the same path on macOS, where the data folder lives.)
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSeccompProfile } from './seccomp';

export const SECCOMP_DIR = 'seccomp';

const written = new Map<string, Promise<string>>();

/** The path of the lab profile's file in `dataDir`, written (again) when missing or different. */
export function seccompProfileFile(dataDir: string): Promise<string> {
  const text = `${JSON.stringify(labSeccompProfile())}\n`;
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = path.join(dataDir, SECCOMP_DIR);
  const file = path.join(dir, `lab-${digest}.json`);
  let pending = written.get(file);
  if (!pending) {
    pending = (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const have = await readFile(file, 'utf8').catch(() => null);
      if (have !== text) {
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, file);
      }
      return file;
    })();
    written.set(file, pending);
    pending.catch(() => written.delete(file));
  }
  return pending;
}
