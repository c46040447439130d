// What this machine trusts: the decisions that belong to the desktop user (the instructor or host in the
// admin area, or `classlab trust` on this PC's command line), never to a profile, a pack, a course
// repository or a student. Kept in ClassLab's settings; every other part of the core reads it from here.
//
// - mountFolders: host folders whose contents lab profiles may mount (read-only course folders). A
//   profile's mount source must lie inside one of them by its real path (profiles/mount-policy.ts).
// - localAddresses: addresses on this PC or its local network that labs may reach through ClassLab on the
//   host: a course repository or push remote given as file://, a folder path or http:// on a private
//   address, and "open a notebook from a URL" on such an address. Each entry is a prefix: an address is
//   trusted when it starts with an entry (after normalising both).
// - skipGvisorLabs: labs that may run under runc even where gVisor (runsc) is installed.
// - packSigners: fingerprints of lab pack signers whose packs this machine accepts (packs/pack-check.ts).
// - unsignedPacks: whether a pack without any signature may be imported (default no).
import path from 'node:path';
import { z } from 'zod';
import { LAB_ID } from '../../api/contract';

const HostFolder = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => path.isAbsolute(p), 'an absolute folder on this computer');

const LocalAddress = z.string().min(1).max(2048);

export const MachineTrust = z.object({
  mountFolders: z.array(HostFolder).max(64).default([]),
  localAddresses: z.array(LocalAddress).max(64).default([]),
  skipGvisorLabs: z.array(LAB_ID).max(256).default([]),
  packSigners: z
    .array(z.string().regex(/^[A-Za-z0-9+/=:_-]{8,128}$/, 'a signer fingerprint'))
    .max(64)
    .default([]),
  /** Accept lab packs that carry no signature at all (off unless this machine's admin turns it on). */
  unsignedPacks: z.boolean().default(false),
});
export type MachineTrust = z.infer<typeof MachineTrust>;

export const NO_TRUST: MachineTrust = { mountFolders: [], localAddresses: [], skipGvisorLabs: [], packSigners: [], unsignedPacks: false };

/**
 * The comparable form of a local address: file:// URLs and plain paths become `file://` + the absolute
 * path; http(s) URLs keep scheme, lower-case host, port and path (no user info, query or fragment).
 * Null for anything that is neither.
 */
export function normalizeLocalAddress(address: string): string | null {
  const a = address.trim();
  if (a.startsWith('/') || /^[A-Za-z]:[\\/]/.test(a)) return `file://${path.resolve(a).replace(/\\/g, '/')}`;
  let url: URL;
  try {
    url = new URL(a);
  } catch {
    return null;
  }
  if (url.protocol === 'file:') {
    let p: string;
    try {
      p = decodeURIComponent(url.pathname);
    } catch {
      return null;
    }
    return `file://${path.posix.resolve(p)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.protocol}//${url.host.toLowerCase()}${url.pathname}`;
}

/**
 * True when `address` starts with one of the trusted local addresses. An entry ending without a slash
 * still only matches whole path segments ("file:///srv/course" does not trust "file:///srv/course-evil").
 */
export function isTrustedLocalAddress(address: string, trust: Pick<MachineTrust, 'localAddresses'>): boolean {
  const target = normalizeLocalAddress(address);
  if (!target) return false;
  return trust.localAddresses.some((entry) => {
    const prefix = normalizeLocalAddress(entry);
    if (!prefix) return false;
    if (target === prefix) return true;
    const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return target.startsWith(withSlash);
  });
}

/** Where the core reads the machine's trust: live, so a change made by `classlab trust` applies at once. */
export type TrustSource = () => MachineTrust;
