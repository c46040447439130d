// The course repository of a lab profile: where the instructor's materials come from and where they go in
// the workspace. Checked with the git module's own rules (remote-url.ts), so a profile that names a URL
// git would run as a program, a branch that reads as an option or a folder outside the workspace is
// reported by field when the catalog loads, never at sync time.
//
// Local course folders (file:// or an absolute path, and http:// on this PC) only when the profile says
// `allowLocal: true`: that is an instructor's decision written into the profile, for a course kept on
// this PC or a USB stick (and for tests). A profile from a lab pack that names a local folder without it
// is refused, so a pack cannot quietly copy a folder of the student's PC into the lab.
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
    /** https://, ssh:// or user@host:path; a local folder only with allowLocal. Never with a user name or token. */
    url: z.string().min(1).max(2048),
    branch: z.string().min(1).max(255).default('main'),
    /** The folder in the workspace the course is copied into, e.g. "course". */
    folder: z.string().min(1).max(1024).default('course'),
    /** Bring the instructor's new commits in each time the lab opens (in the background). */
    syncOnOpen: z.boolean().default(false),
    /** The instructor allows a local course folder (file://, an absolute path, http:// on this PC). */
    allowLocal: z.boolean().default(false),
  })
  .transform((c, ctx) => {
    const remote = checked(c.url, ctx, 'url', (u) => parseRemoteUrl(u, { allowLocal: c.allowLocal }));
    if (remote !== z.NEVER && (remote.token !== undefined || remote.username !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a course URL must not hold a user name or token: each user enters a token in ClassLab, where it is kept in the secret store' });
    }
    const branch = checked(c.branch, ctx, 'branch', checkBranchName);
    const folder = checked(c.folder, ctx, 'folder', checkTargetFolder);
    if (folder !== z.NEVER && (folder === RESERVED || folder.startsWith(`${RESERVED}/`))) {
      ctx.addIssue({ code: 'custom', path: ['folder'], message: `"${RESERVED}" is ClassLab's own folder; choose another course folder` });
    }
    return { ...c, branch: branch as string, folder: folder as string };
  });
export type CourseSettings = z.infer<typeof CourseSettings>;
