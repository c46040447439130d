// `classlab trust …`: the desktop user's own decisions about this machine (trust/machine-trust.ts), made
// on this PC's command line. Nothing here needs Docker. Each change is checked by core/trust/trust-changes.ts,
// the same code behind the settings screen.
import { defaultHostFolderContext } from './core/trust/host-folders';
import type { MachineTrust } from './core/trust/machine-trust';
import { applyTrustChange } from './core/trust/trust-changes';
import type { SettingsStore } from './core/settings';
import type { TrustChange } from './api/contract';
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

/** The command line's words as a change, or null when they are not one. */
function changeOf(area: string | undefined, verb: string | undefined, value: string | undefined): TrustChange | null {
  if (area === 'unsigned' && (verb === 'allow' || verb === 'refuse') && value === undefined) return { area, allow: verb === 'allow' };
  if (!verb || !value) return null;
  if ((area === 'signer' || area === 'mount' || area === 'local') && (verb === 'add' || verb === 'remove')) return { area, verb, value };
  if (area === 'gvisor' && (verb === 'skip' || verb === 'require')) return { area, verb: verb === 'skip' ? 'add' : 'remove', value };
  return null;
}

/** Runs `classlab trust ARGS`; returns the exit code (0 ok, 2 usage or a refused value). */
export async function trustCommand(settings: SettingsStore, args: string[], json: boolean): Promise<number> {
  const [area, verb, value] = args;
  const trust = settings.get().trust;
  const refuse = (why: string) => {
    process.stderr.write(`classlab: ${why}\n`);
    return 2;
  };
  if (area === undefined) {
    print(trust, json);
    return 0;
  }
  const change = changeOf(area, verb, value);
  if (!change) return refuse(USAGE);
  const result = await applyTrustChange(trust, change, defaultHostFolderContext(defaultDataDir()));
  if (!result.ok) return refuse(result.why);
  settings.update({ trust: result.trust });
  print(result.trust, json);
  return 0;
}
