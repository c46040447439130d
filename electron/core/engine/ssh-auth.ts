// Which keys ClassLab offers a remote engine's sshd: the desktop user's ssh agent (SSH_AUTH_SOCK), then
// the usual key files in ~/.ssh (ed25519, ecdsa, rsa), as ssh itself does. A key file with a passphrase
// is not offered: ClassLab never asks for, keeps or passes a passphrase; the agent holds such keys
// (`ssh-add`), and the refusal says so. Nothing here logs or returns key material beyond the parsed key.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ssh2, { type AnyAuthMethod } from 'ssh2';

/** The key files ssh tries by default, in its order (id_dsa is gone from OpenSSH). */
export const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'] as const;

export interface SshAuthInput {
  username: string;
  /** ~/.ssh of the desktop user. */
  sshDir: string;
  /** SSH_AUTH_SOCK, when set. */
  agentSocket: string | null;
}

export interface SshAuthPlan {
  methods: AnyAuthMethod[];
  /** What was offered and what was left out, in words, for the refusal when every method fails. */
  tried: string[];
}

/** The agent first (it may hold keys with passphrases), then each key file that is there and readable. */
export async function sshAuthPlan({ username, sshDir, agentSocket }: SshAuthInput): Promise<SshAuthPlan> {
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  if (agentSocket && (process.platform === 'win32' || isSocket(agentSocket))) {
    methods.push({ type: 'agent', username, agent: agentSocket });
    tried.push('the ssh agent (SSH_AUTH_SOCK)');
  } else if (agentSocket) {
    tried.push(`no ssh agent at SSH_AUTH_SOCK (${agentSocket} is not a socket)`);
  }
  for (const name of DEFAULT_KEY_FILES) {
    const file = path.join(sshDir, name);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      continue; // not there: ssh does not mention it either
    }
    const parsed = ssh2.utils.parseKey(data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error) {
      tried.push(
        /encrypted|passphrase/i.test(key instanceof Error ? key.message : '')
          ? `${file} (it has a passphrase: add it to your ssh agent with \`ssh-add ${file}\`)`
          : `${file} (not a private key ClassLab can read)`,
      );
      continue;
    }
    methods.push({ type: 'publickey', username, key });
    tried.push(file);
  }
  return { methods, tried };
}

function isSocket(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isSocket();
  } catch {
    return false;
  }
}
