// One change of what this machine trusts, checked and applied: the rules behind both `classlab trust …`
// (trust-command.ts) and the settings screen (settings:update), so a folder, an address or a signer is
// refused the same way wherever it is typed. Pure but for the host folder check, which reads the disk.
import type { TrustChange } from '../../api/contract';
import { LAB_ID, SIGNER_FINGERPRINT } from '../../api/contract';
import { checkHostFolder, type HostFolderContext } from './host-folders';
import { normalizeLocalAddress, type MachineTrust } from './machine-trust';

export type TrustChangeResult = { ok: true; trust: MachineTrust } | { ok: false; why: string };

function without(items: string[], item: string): string[] {
  return items.filter((i) => i !== item);
}

export async function applyTrustChange(trust: MachineTrust, change: TrustChange, ctx: HostFolderContext): Promise<TrustChangeResult> {
  const ok = (next: MachineTrust): TrustChangeResult => ({ ok: true, trust: next });
  const refuse = (why: string): TrustChangeResult => ({ ok: false, why });
  if (change.area === 'unsigned') return ok({ ...trust, unsignedPacks: change.allow });
  const { area, verb, value } = change;
  if (area === 'signer') {
    if (!SIGNER_FINGERPRINT.safeParse(value).success)
      return refuse(`${value} is not a signer fingerprint (SHA256: and 43 characters, as \`classlab pack inspect\` shows).`);
    const rest = without(trust.packSigners, value);
    return ok({ ...trust, packSigners: verb === 'add' ? [...rest, value] : rest });
  }
  if (area === 'mount') {
    if (verb === 'remove') return ok({ ...trust, mountFolders: without(trust.mountFolders, value) });
    const check = await checkHostFolder(value, ctx);
    if (!check.ok) return refuse(`${value} cannot be shared with labs: ${check.reason}.`);
    return ok({ ...trust, mountFolders: [...without(trust.mountFolders, check.realPath), check.realPath] });
  }
  if (area === 'local') {
    const normal = normalizeLocalAddress(value);
    if (!normal) return refuse(`${value} is not a file:// or http(s):// address or an absolute folder.`);
    const rest = trust.localAddresses.filter((a) => normalizeLocalAddress(a) !== normal);
    return ok({ ...trust, localAddresses: verb === 'add' ? [...rest, normal] : rest });
  }
  if (!LAB_ID.safeParse(value).success) return refuse(`${value} is not a lab id.`);
  const rest = without(trust.skipGvisorLabs, value);
  return ok({ ...trust, skipGvisorLabs: verb === 'add' ? [...rest, value] : rest });
}

/** Applies changes in order; the first refused one refuses them all (the trust given is not changed). */
export async function applyTrustChanges(trust: MachineTrust, changes: readonly TrustChange[], ctx: HostFolderContext): Promise<TrustChangeResult> {
  let next = trust;
  for (const change of changes) {
    const result = await applyTrustChange(next, change, ctx);
    if (!result.ok) return result;
    next = result.trust;
  }
  return { ok: true, trust: next };
}
