// Defence in depth for ClassLab's own git dirs (in its data folder, never in a workspace): their config
// holds a few plain core keys and nothing else — no filter, diff or merge driver, no include, no
// core.worktree, no extension — whatever wrote into the folder. Attributes in a work tree can name a
// driver; a driver runs only if some config git reads defines it, and git-runner.ts leaves the
// repository's config as the only file it reads. So before every operation the config is read (as data:
// `git config --file … --no-includes`, which runs nothing) and rewritten to the allowed keys when
// anything else is in it, and the files that would make git read config or attributes from elsewhere
// (`commondir`, `info/attributes`, `config.worktree`) are removed.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../secrets/secret-store';
import { runGit, type GitRunOptions } from './git-runner';

/** The only keys ClassLab's git dirs keep, with the values they may hold. */
const ALLOWED: Record<string, RegExp> = {
  'core.repositoryformatversion': /^0$/,
  'core.filemode': /^(true|false)$/,
  'core.bare': /^(true|false)$/,
  'core.logallrefupdates': /^(true|false)$/,
  'core.ignorecase': /^(true|false)$/,
  'core.precomposeunicode': /^(true|false)$/,
  'core.symlinks': /^false$/,
};

const STRAY = ['commondir', 'config.worktree', path.join('info', 'attributes')];

/** The config text for the allowed entries of `list` (git config --list -z output), with core.bare set. Pure. */
export function cleanConfig(list: string, bare: boolean): { text: string; dropped: string[] } {
  const kept = new Map<string, string>();
  const dropped: string[] = [];
  for (const record of list.split('\0')) {
    if (record === '') continue;
    const nl = record.indexOf('\n');
    const key = (nl < 0 ? record : record.slice(0, nl)).toLowerCase();
    const value = nl < 0 ? 'true' : record.slice(nl + 1);
    const rule = ALLOWED[key];
    if (rule?.test(value)) kept.set(key, value);
    else dropped.push(key);
  }
  kept.set('core.repositoryformatversion', '0');
  kept.set('core.bare', bare ? 'true' : 'false');
  // In a fixed order (ALLOWED's), so a clean config reads the same every time and is not rewritten.
  const ordered = Object.keys(ALLOWED).filter((k) => kept.has(k));
  const lines = ['[core]', ...ordered.map((k) => `\t${k.slice('core.'.length)} = ${kept.get(k)!}`)];
  return { text: `${lines.join('\n')}\n`, dropped };
}

/**
 * Keeps `gitDir`'s config to the allowed keys (core.bare as given). Returns the keys it removed (for a
 * log line; empty when the config was clean).
 */
export async function keepRepoConfig(g: GitRunOptions, gitDir: string, bare: boolean): Promise<string[]> {
  const file = path.join(gitDir, 'config');
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  const list =
    current === '' ? '' : await runGit({ ...g, gitDir: undefined, workTree: undefined }, ['config', '--file', file, '--no-includes', '--list', '-z']);
  const { text, dropped } = cleanConfig(list, bare);
  if (text !== current) await writeFileAtomic(file, Buffer.from(text), 0o644);
  for (const stray of STRAY) {
    const p = path.join(gitDir, stray);
    if (
      await fs.lstat(p).then(
        () => true,
        () => false,
      )
    ) {
      await fs.rm(p, { recursive: true, force: true });
      dropped.push(stray);
    }
  }
  return dropped;
}
