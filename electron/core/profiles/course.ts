// The course repository of a lab profile: where the instructor's materials come from and where they go in
// the workspace. Checked with the git module's own rules (remote-url.ts), so a profile that names a URL
// git would run as a program, a branch that reads as an option or a folder outside the workspace is
// reported by field when the catalog loads, never at sync time.
//
// A local course address (file://, an absolute path, http:// on this PC or its network) is checked here
// for its shape only; whether ClassLab may reach it is this machine's decision, read at sync time
// (`trust.localAddresses`, `classlab trust local add ADDRESS`), never the profile's: otherwise a profile
// from a pack could copy any folder of the student's PC into the lab. The old `allowLocal: true` is
// refused by name with that pointer (like `runtime: runc`), rather than silently ignored: the instructor
// who wrote it learns at once, at catalog load, what to do instead, instead of meeting a refused sync
// later. `allowLocal: false` grants nothing and is accepted, so old profiles that spelled it still load.
import { z } from 'zod';
import { checkBranchName, checkTargetFolder, parseRemoteUrl } from '../git/remote-url';

/** ClassLab's own folder in the workspace (trash, unfinished uploads): never a course folder. */
const RESERVED = '.classlab';

/** Runs one of the git module's checks; its plain reason becomes the field's message. */
function checked<T>(value: string, ctx: z.RefinementCtx, field: string, check: (v: string) => T): T | typeof z.NEVER {
  try {
    return check(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: [field], message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
}

export const CourseSettings = z
  .object({
    /** https://, ssh:// or user@host:path; a local folder only where this machine trusts it. Never with a user name or token. */
    url: z.string().min(1).max(2048),
    branch: z.string().min(1).max(255).default('main'),
    /** The folder in the workspace the course is copied into, e.g. "course". */
    folder: z.string().min(1).max(1024).default('course'),
    /** Bring the instructor's new commits in each time the lab opens (in the background). */
    syncOnOpen: z.boolean().default(false),
    /** No longer a profile's to grant (see above): only `false` is accepted. */
    allowLocal: z.boolean().optional(),
  })
  .transform(({ allowLocal, ...c }, ctx) => {
    if (allowLocal === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowLocal'],
        message: 'a profile cannot allow local addresses: only this computer may (classlab trust local add ADDRESS); remove allowLocal',
      });
    }
    // The shape only: whether a local address may be reached is this machine's trust, checked at sync time.
    const remote = checked(c.url, ctx, 'url', (u) => parseRemoteUrl(u, { allowLocal: true }));
    if (remote !== z.NEVER && (remote.token !== undefined || remote.username !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'a course URL must not hold a user name or token: each user enters a token in ClassLab, where it is kept in the secret store',
      });
    }
    const branch = checked(c.branch, ctx, 'branch', checkBranchName);
    const folder = checked(c.folder, ctx, 'folder', checkTargetFolder);
    if (folder !== z.NEVER && (folder === RESERVED || folder.startsWith(`${RESERVED}/`))) {
      ctx.addIssue({ code: 'custom', path: ['folder'], message: `"${RESERVED}" is ClassLab's own folder; choose another course folder` });
    }
    return { ...c, branch: branch as string, folder: folder as string };
  });
export type CourseSettings = z.infer<typeof CourseSettings>;
