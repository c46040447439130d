// Which host folders a lab may see. A profile names its mounts, but a profile is untrusted input (a
// catalog or a lab pack from anyone): whether a host folder may be shown to a lab is this machine's
// decision, `trust.mountFolders` (`classlab trust mount add FOLDER`). A mount's source is allowed only when
// its real path (links and `..` resolved) lies inside the real path of an approved folder, and is not and
// does not hold anything trust/host-folders.ts refuses (/, a home folder, ClassLab's data folder, the
// system's trees) and is not a socket, a device or a pipe.
//
// Checked twice: when the catalog loads (a refused mount is a problem by profile and field; the other
// labs load), and again right before a lab's container is created or started, because a folder may have
// been swapped for a link since. The container is then given the real path that was just checked, never
// the string from the profile (CheckedMount: only this module makes them).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ProfileProblem } from '../../api/contract';
import { LabError } from '../../api/errors';
import { checkHostFolder, type HostFolderCheck, type HostFolderContext } from '../trust/host-folders';
import type { TrustSource } from '../trust/machine-trust';
import type { Profile } from './schema';

/** What the checks need from this machine: its trust (read live) and where its private folders are. */
export interface HostPolicy {
  trust: TrustSource;
  hostFolders: HostFolderContext;
}

declare const checked: unique symbol;
/** A read-only bind whose source is a real path that checkMountSource allowed a moment ago. */
export type CheckedMount = { readonly source: string; readonly target: string; readonly [checked]: true };

/** The approved folders by their real path; one that is missing or forbidden now is no approval. */
async function approvedFolders(policy: HostPolicy): Promise<string[]> {
  const out: string[] = [];
  for (const folder of policy.trust().mountFolders) {
    const check = await checkHostFolder(folder, policy.hostFolders);
    if (!check.ok) continue;
    const stat = await fs.stat(check.realPath).catch(() => null);
    if (stat?.isDirectory()) out.push(check.realPath);
  }
  return out;
}

function inside(realPath: string, folder: string): boolean {
  return realPath === folder || realPath.startsWith(folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`);
}

/** Whether a lab may see this host path now; with the real path to bind when it may. */
export async function checkMountSource(source: string, policy: HostPolicy): Promise<HostFolderCheck> {
  const host = await checkHostFolder(source, policy.hostFolders);
  if (!host.ok) return host;
  if ((await approvedFolders(policy)).some((folder) => inside(host.realPath, folder))) return host;
  const leads = host.realPath !== path.resolve(source) ? ` (it leads to ${host.realPath})` : '';
  return {
    ok: false,
    reason: `it is not inside a folder this computer shares with labs${leads}; an instructor on this computer can share one with \`classlab trust mount add FOLDER\``,
  };
}

/** Load time: each mount this machine does not allow, as a problem by profile and field. */
export async function mountProblems(profile: Profile, policy: HostPolicy): Promise<ProfileProblem[]> {
  const problems: ProfileProblem[] = [];
  for (const [index, mount] of profile.mounts.entries()) {
    const check = await checkMountSource(mount.source, policy);
    if (!check.ok)
      problems.push({ profile: profile.id, field: `mounts.${index}.source`, message: `${mount.source} cannot be mounted into a lab: ${check.reason}` });
  }
  return problems;
}

/** Start time: the profile's mounts as checked real paths, or a LabError that says which and why. */
export async function checkedMounts(profile: Profile, policy: HostPolicy): Promise<CheckedMount[]> {
  const out: CheckedMount[] = [];
  for (const mount of profile.mounts) {
    const check = await checkMountSource(mount.source, policy);
    if (!check.ok) {
      throw new LabError('START_FAILED', `${profile.title} was not started: its folder ${mount.source} cannot be mounted into a lab: ${check.reason}.`);
    }
    out.push({ source: check.realPath, target: mount.target } as CheckedMount);
  }
  return out;
}
