// `classlab engine`: which Docker engine this computer uses, and `classlab engine trust`, the one step that
// adds a remote engine's ssh host key to the desktop user's ~/.ssh/known_hosts — only after showing its
// fingerprint and only when the user answers yes on the terminal (a changed key is never replaced here).
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { engineCandidates, describeCandidate } from './core/engine/discovery';
import { checkHostKey, fingerprint, keyKind, keyTypeOf, knownHostsLine, knownHostsName, parseKnownHosts } from './core/engine/known-hosts';
import { scanHostKey } from './core/engine/ssh-remote';
import type { SettingsStore } from './core/settings';

export const ENGINE_USAGE = `  engine                  Which Docker engine ClassLab uses (DOCKER_HOST, the admin's setting, or a local one)
  engine trust            For a remote engine over ssh: show its host key's fingerprint and, if you answer
                          yes, add it to ~/.ssh/known_hosts`;

export async function engineCommand(settings: SettingsStore, args: string[]): Promise<number> {
  const candidates = engineCandidates({ platform: process.platform, env: process.env, home: os.homedir(), configured: settings.get().engineHost });
  const remote = candidates.length === 1 && candidates[0]!.kind === 'ssh' ? candidates[0]! : null;
  if (args.length === 0) {
    const c = candidates[0];
    process.stdout.write(
      remote
        ? `A remote engine over ssh: ${describeCandidate(remote)} (from ${remote.label}).\n`
        : `A local engine, the first of: ${candidates.map(describeCandidate).join(', ')}${c?.label === 'DOCKER_HOST' ? ' (from DOCKER_HOST)' : ''}.\n`,
    );
    return 0;
  }
  if (args[0] !== 'trust' || args.length > 1) {
    process.stderr.write(`classlab: usage:\n${ENGINE_USAGE}\n`);
    return 2;
  }
  if (!remote || remote.kind !== 'ssh') {
    process.stderr.write('classlab: the engine is not a remote one over ssh (set DOCKER_HOST=ssh://user@host, or `classlab admin engine ssh://…`).\n');
    return 2;
  }
  const blob = await scanHostKey(remote);
  const file = path.join(os.homedir(), '.ssh', 'known_hosts');
  const known = parseKnownHosts(await readFile(file, 'utf8').catch(() => ''));
  const name = knownHostsName(remote.host, remote.port);
  const shown = `${keyKind(keyTypeOf(blob) ?? '?')} key ${fingerprint(blob)}`;
  const verdict = checkHostKey(known, remote.host, remote.port, blob);
  if (verdict.kind === 'known') {
    process.stdout.write(`${name} showed an ${shown}, which ~/.ssh/known_hosts already trusts (line ${verdict.line}).\n`);
    return 0;
  }
  if (verdict.kind !== 'unknown') {
    process.stderr.write(
      `classlab: ${name} showed an ${shown}, but ~/.ssh/known_hosts has another key for it (${verdict.kind}). ClassLab does not replace a key: ask the server's admin, then remove the old line with \`ssh-keygen -R '${name}'\` and run this again.\n`,
    );
    return 9;
  }
  if (!process.stdin.isTTY) {
    process.stderr.write(`classlab: ${name} showed an ${shown}. Run \`classlab engine trust\` on a terminal to answer whether to trust it.\n`);
    return 2;
  }
  process.stdout.write(
    `${name} showed an ${shown}.\nCompare it with what the server's admin says (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).\n`,
  );
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question('Trust this key for ClassLab and ssh? [y/N] ')).trim().toLowerCase();
  rl.close();
  if (answer !== 'y' && answer !== 'yes') {
    process.stdout.write('Not trusted; nothing was changed.\n');
    return 9;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${knownHostsLine(remote.host, remote.port, blob)}\n`, { mode: 0o600 });
  process.stdout.write(`Added to ${file}. ClassLab connects to ${describeCandidate(remote)} at its next check.\n`);
  return 0;
}
