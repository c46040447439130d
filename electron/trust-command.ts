// `classlab trust …`: the desktop user's own decisions about this machine (trust/machine-trust.ts), made
// on this PC's command line. Nothing here needs Docker. Later the admin lock (PIN) guards it too.
import { checkHostFolder, defaultHostFolderContext } from './core/trust/host-folders';
import { normalizeLocalAddress, type MachineTrust } from './core/trust/machine-trust';
import type { SettingsStore } from './core/settings';
import { LAB_ID, SIGNER_FINGERPRINT } from './api/contract';
import { defaultDataDir } from './core/paths';

const USAGE =
  'usage: classlab trust [--json] | trust mount add|remove FOLDER | trust local add|remove ADDRESS | trust gvisor skip|require LAB | trust signer add|remove FINGERPRINT | trust unsigned allow|refuse';

function print(trust: MachineTrust, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(trust, null, 2)}\n`);
    return;
  }
  const list = (items: string[]) => (items.length ? items.map((i) => `  ${i}`).join('\n') : '  (none)');
  process.stdout.write(
    [
      'Host folders lab profiles may mount (read-only):',
      list(trust.mountFolders),
      'Local addresses labs may use (course repositories, notebooks by URL):',
      list(trust.localAddresses),
      'Labs that may run without gVisor:',
      list(trust.skipGvisorLabs),
      'Trusted lab pack signers:',
      list(trust.packSigners),
      `Unsigned lab packs: ${trust.unsignedPacks ? 'allowed' : 'refused'}`,
      '',
    ].join('\n'),
  );
}

function without(items: string[], item: string): string[] {
  return items.filter((i) => i !== item);
}

/** Runs `classlab trust ARGS`; returns the exit code (0 ok, 2 usage or a refused value). */
export async function trustCommand(settings: SettingsStore, args: string[], json: boolean): Promise<number> {
  const [area, verb, value] = args;
  const trust = settings.get().trust;
  const save = (next: MachineTrust) => {
    settings.update({ trust: next });
    print(next, json);
    return 0;
  };
  const refuse = (why: string) => {
    process.stderr.write(`classlab: ${why}\n`);
    return 2;
  };
  if (area === undefined) {
    print(trust, json);
    return 0;
  }
  if (area === 'unsigned' && (verb === 'allow' || verb === 'refuse') && value === undefined) return save({ ...trust, unsignedPacks: verb === 'allow' });
  if (!verb || !value) return refuse(USAGE);
  if (area === 'signer' && (verb === 'add' || verb === 'remove')) {
    if (!SIGNER_FINGERPRINT.safeParse(value).success)
      return refuse(`${value} is not a signer fingerprint (SHA256: and 43 characters, as \`classlab pack inspect\` shows).`);
    const rest = without(trust.packSigners, value);
    return save({ ...trust, packSigners: verb === 'add' ? [...rest, value] : rest });
  }
  if (area === 'mount' && (verb === 'add' || verb === 'remove')) {
    if (verb === 'remove') return save({ ...trust, mountFolders: without(trust.mountFolders, value) });
    const check = await checkHostFolder(value, defaultHostFolderContext(defaultDataDir()));
    if (!check.ok) return refuse(`${value} cannot be shared with labs: ${check.reason}.`);
    return save({ ...trust, mountFolders: [...without(trust.mountFolders, check.realPath), check.realPath] });
  }
  if (area === 'local' && (verb === 'add' || verb === 'remove')) {
    const normal = normalizeLocalAddress(value);
    if (!normal) return refuse(`${value} is not a file:// or http(s):// address or an absolute folder.`);
    if (verb === 'remove') return save({ ...trust, localAddresses: trust.localAddresses.filter((a) => normalizeLocalAddress(a) !== normal) });
    return save({ ...trust, localAddresses: [...trust.localAddresses.filter((a) => normalizeLocalAddress(a) !== normal), normal] });
  }
  if (area === 'gvisor' && (verb === 'skip' || verb === 'require')) {
    if (!LAB_ID.safeParse(value).success) return refuse(`${value} is not a lab id.`);
    const rest = without(trust.skipGvisorLabs, value);
    return save({ ...trust, skipGvisorLabs: verb === 'skip' ? [...rest, value] : rest });
  }
  return refuse(USAGE);
}
