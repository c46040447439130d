// Host folders that no lab may ever see, whatever this machine's settings or a profile say: the whole
// file system, a home folder (~/.ssh, browser profiles, tokens), ClassLab's own data folder (secrets.key,
// git dirs, settings), and the kernel's and the engine's own trees (/proc, /sys, /dev, /run, /var/run,
// where the Docker socket lives). Checked on real paths: a link or `..` cannot walk around it.
import { promises as fs, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Trees that are never mounted, nor anything inside them. */
const NEVER_INSIDE = ['/proc', '/sys', '/dev', '/run', '/var/run', '/boot', '/etc', '/var/lib/docker', '/var/lib/containerd', '/var/lib/containers'];

/** Never mounted as a whole (a folder inside is fine). */
const SHARED_SCRATCH = ['/tmp', '/var/tmp'];

export interface HostFolderContext {
  /** The desktop user's home folder. */
  home: string;
  /** ClassLab's data folder. */
  dataDir: string;
}

/** Pure: why a real (already resolved) host path may never be mounted into a lab, or null. */
export function forbiddenHostPath(realPath: string, ctx: HostFolderContext): string | null {
  const p = path.resolve(realPath);
  if (p === path.parse(p).root) return 'the whole file system';
  for (const top of NEVER_INSIDE) {
    if (p === top || p.startsWith(`${top}/`)) return `${top} belongs to the system`;
  }
  // /var holds /var/lib/docker (every container's files), /usr/.. nothing: a folder that holds one of
  // those trees would show it to the lab as well.
  const held = NEVER_INSIDE.find((top) => top.startsWith(`${p}/`));
  if (held) return `a folder that holds ${held}, which belongs to the system`;
  // Shared scratch folders hold other programs' sockets (X11, ssh-agent, …), often the desktop user's,
  // whose uid the lab user shares: a folder inside them is fine, the whole of them never.
  if (SHARED_SCRATCH.includes(p)) return "a scratch folder every program shares (other programs' sockets live there)";
  const home = path.resolve(ctx.home);
  const data = path.resolve(ctx.dataDir);
  if (p === home) return 'a home folder (it holds keys and tokens)';
  if (path.dirname(p) === '/home' || path.dirname(p) === '/Users' || p === '/root' || p === '/home' || p === '/Users')
    return 'a home folder (it holds keys and tokens)';
  if (p === data || p.startsWith(`${data}/`) || data.startsWith(`${p}/`)) return "ClassLab's own data folder (its secrets and settings)";
  // ~/.ssh, ~/.config, ~/.docker, ~/.gnupg, ~/.aws …: a hidden folder of the home folder holds keys.
  if (p.startsWith(`${home}/`) && p.slice(home.length + 1).startsWith('.')) return 'a hidden folder of a home folder (keys and settings live there)';
  // A folder that holds the home folder (/home, /Users) holds every home folder.
  if (home.startsWith(`${p}/`)) return 'a folder that holds a home folder';
  return null;
}

export type HostFolderCheck = { ok: true; realPath: string } | { ok: false; reason: string };

/**
 * Resolves a host path and says whether a lab may see it: it must exist, be a folder or a regular file
 * (never a socket, a device or a FIFO), and not be or hold anything forbiddenHostPath names.
 */
export async function checkHostFolder(candidate: string, ctx: HostFolderContext): Promise<HostFolderCheck> {
  if (!path.isAbsolute(candidate)) return { ok: false, reason: 'it is not an absolute path' };
  let real: string;
  let stat: Stats;
  try {
    real = await fs.realpath(candidate);
    stat = await fs.stat(real);
  } catch {
    return { ok: false, reason: 'it does not exist on this computer' };
  }
  if (!stat.isDirectory() && !stat.isFile()) return { ok: false, reason: 'it is a socket, a device or a pipe, not a folder' };
  const forbidden = forbiddenHostPath(real, ctx);
  if (forbidden) return { ok: false, reason: `it is ${forbidden}${real !== path.resolve(candidate) ? ` (${candidate} leads to ${real})` : ''}` };
  return { ok: true, realPath: real };
}

export function defaultHostFolderContext(dataDir: string): HostFolderContext {
  return { home: os.homedir(), dataDir };
}
