// Attack 15: git on this computer. The confirmed attack of issue #9: a student makes a repository
// inside a workspace folder whose config names a program (a clean filter, an fsmonitor, a hook …) and
// types that folder into the Git panel; ClassLab's git on the host took the folder as a submodule and ran
// `git status` inside it, which ran the program as the desktop user. Here every variant is planted in
// the throw-away lab's workspace, each program writing a marker file in a folder of this computer, and
// ClassLab's real status and commit path (LabGit, the same code the Git panel calls) runs on the folder.
// Blocked: no marker on this computer, and every repository the lab made left out of the host copy.
// A control runs the lab's own git on the folder INSIDE the lab the way ClassLab's git used to (GIT_DIR
// elsewhere, work tree the folder, add then status), with the marker folder made in the lab too: the
// markers it writes there show which variants are live, so "blocked" is never the absence of an attack.
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitCredentialStore } from '../../git/credentials';
import { LabGit } from '../../git/lab-git';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/** The folder (in the workspace) the variants are planted in. */
export const HOSTILE_GIT_FOLDER = 'audit-git';

export interface HostileGitVariant {
  /** A short name, also the marker file its program writes. */
  id: string;
  /** What was planted, for the evidence. */
  what: string;
}

/** The variants, in the order the script plants them. */
export const HOSTILE_GIT_VARIANTS: HostileGitVariant[] = [
  { id: 'filter-clean', what: 'a nested repository whose config defines filter.evil.clean/smudge, applied by its .gitattributes' },
  { id: 'textconv', what: 'a nested repository with diff.evil.textconv, diff.evil.command, diff.external and merge.evil.driver, applied by .gitattributes' },
  { id: 'fsmonitor', what: 'a nested repository with core.fsmonitor' },
  { id: 'hook', what: 'a nested repository with core.hooksPath to its own hooks (post-index-change, pre-commit)' },
  { id: 'ssh', what: 'a nested repository with core.sshCommand, core.gitProxy and an ssh remote' },
  { id: 'include', what: 'a nested repository whose config includes (include.path, includeIf) a file with core.fsmonitor' },
  { id: 'gitdir', what: 'a .git FILE (gitdir:) pointing at a repository elsewhere in the workspace with a clean filter' },
  { id: 'root', what: 'a .git of the folder itself with a clean filter, and a root .gitattributes naming filter, diff and merge drivers' },
  { id: 'gitmodules', what: 'a .gitmodules naming the nested repository as a submodule with an ext:: url' },
  { id: 'case', what: 'repositories named .GIT, .Git, GIT~1, ".git." (what Windows and macOS read as .git)' },
];

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The shell script (run in the lab as the student, with the lab's git) that plants every variant in
 * `<ws>/<folder>`; each program touches `<marker>/<variant id>`. The script makes the marker folder in
 * the lab too (the same path), so that planting and the control can run there.
 */
export function hostileGitScript(ws: string, folder: string, marker: string): string {
  const m = (id: string) => `touch ${marker}/${id}`;
  const A = `${ws}/${folder}`;
  return `set -e
export HOME=/tmp/classlab-audit-git-home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME" ${q(marker)}
g() { git -c user.name=student -c user.email=student@lab.invalid -c init.defaultBranch=main "$@"; }
rm -rf ${q(A)} && mkdir -p ${q(A)} && cd ${q(A)}
echo '* filter=evil diff=evil merge=evil' > .gitattributes
echo 'top' > top.txt
# the folder's own .git
g init -q . && g config filter.evil.clean ${q(`${m('root')}; cat`)} && g add -A && g commit -qm root
# 1 filter
mkdir filter-clean && cd filter-clean && g init -q
g config filter.evil.clean ${q(`${m('filter-clean')}; cat`)} && g config filter.evil.smudge ${q(`${m('filter-clean')}; cat`)}
echo '* filter=evil' > .gitattributes && echo a > a.txt && g add -A && g commit -qm x && echo b >> a.txt && cd ..
# 2 textconv and drivers
mkdir textconv && cd textconv && g init -q
g config diff.evil.textconv ${q(m('textconv'))} && g config diff.evil.command ${q(m('textconv'))} && g config diff.external ${q(m('textconv'))} && g config merge.evil.driver ${q(m('textconv'))}
echo '* diff=evil merge=evil' > .gitattributes && echo a > a.txt && g add -A && g commit -qm x && echo b >> a.txt && cd ..
# 3 fsmonitor
mkdir fsmonitor && cd fsmonitor && g init -q && echo a > a.txt && g add -A && g commit -qm x
g config core.fsmonitor ${q(`${m('fsmonitor')}; false`)} && echo b >> a.txt && cd ..
# 4 hooks
mkdir hook && cd hook && g init -q && mkdir my-hooks
printf '#!/bin/sh\\n${m('hook')}\\n' > my-hooks/post-index-change && cp my-hooks/post-index-change my-hooks/pre-commit && chmod +x my-hooks/*
echo a > a.txt && g add -A && g commit -qm x && g config core.hooksPath my-hooks && echo b >> a.txt && cd ..
# 5 ssh
mkdir ssh && cd ssh && g init -q && g config core.sshCommand ${q(m('ssh'))} && g config core.gitProxy ${q(m('ssh'))} && g remote add origin ssh://git@example.invalid/x.git
echo a > a.txt && g add -A && g commit -qm x && echo b >> a.txt && cd ..
# 6 include / includeIf
printf '[core]\\n\\tfsmonitor = "${m('include')}; false"\\n' > evil.inc
mkdir include && cd include && g init -q && echo a > a.txt && g add -A && g commit -qm x
# (relative to the config file, so the include works wherever the folder is copied)
g config include.path ../../evil.inc && g config 'includeIf.gitdir:/.path' ../../evil.inc && echo b >> a.txt && cd ..
# 7 a .git file pointing elsewhere
g init -q --bare hidden.git && g --git-dir=hidden.git config core.bare false && g --git-dir=hidden.git config filter.evil.clean ${q(`${m('gitdir')}; cat`)}
mkdir gitdir && echo '* filter=evil' > gitdir/.gitattributes && echo a > gitdir/a.txt
g --git-dir=hidden.git --work-tree=gitdir add -A && g --git-dir=hidden.git --work-tree=gitdir commit -qm x && echo b >> gitdir/a.txt
printf 'gitdir: ../hidden.git\\n' > gitdir/.git
# 8 .gitmodules
# (git itself refuses "update = !command" from a .gitmodules since 2.20: that form would stop every status)
printf '[submodule "m"]\\n\\tpath = filter-clean\\n\\turl = ext::sh -c ${m('gitmodules')}\\n' > .gitmodules
# 9 the spellings Windows and macOS read as .git
for n in .GIT .Git GIT~1 .git.; do mkdir -p "case-$n" && (cd "case-$n" && g init -q && g config filter.evil.clean ${q(`${m('case')}; cat`)} && echo '* filter=evil' > .gitattributes && echo a > a.txt && g add -A && g commit -qm x && echo b >> a.txt && mv .git "$n"); done
rm -f ${q(marker)}/*
echo planted`;
}

/**
 * The control: the lab's git on the folder the way ClassLab's host git used to run (add, then status).
 * Status runs twice, with the -c settings ClassLab's git had then and without them (as any other git
 * tool would). The case-* folders are left out of it: git on Linux refuses to add ".GIT/…" (core.protectNTFS), which
 * would stop the add before the nested repositories are reached.
 */
export function controlScript(ws: string, folder: string, marker: string): string {
  return `export HOME=/tmp/classlab-audit-git-home GIT_CONFIG_NOSYSTEM=1
rm -rf /tmp/classlab-audit-git-ctl.git && git init -q --bare /tmp/classlab-audit-git-ctl.git
export GIT_DIR=/tmp/classlab-audit-git-ctl.git GIT_WORK_TREE=${q(`${ws}/${folder}`)}
git config core.bare false
git -c core.hooksPath=/dev/null -c core.fsmonitor=false add -A -- . ':(exclude)case-*' >/dev/null 2>&1
git -c core.hooksPath=/dev/null -c core.fsmonitor=false status --porcelain >/dev/null 2>&1
git status --porcelain >/dev/null 2>&1
ls ${q(marker)} 2>/dev/null | sort | tr '\\n' ' '`;
}

/** The names the copy out of the lab must leave out (relative to the planted folder). */
export const EXPECTED_LEFT_OUT = [
  '.git',
  'filter-clean/.git',
  'textconv/.git',
  'fsmonitor/.git',
  'hook/.git',
  'ssh/.git',
  'include/.git',
  'gitdir/.git',
  'case-.GIT/.GIT',
  'case-.Git/.Git',
  'case-GIT~1/GIT~1',
  'case-.git./.git.',
];

async function gitOnThisComputer(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, profile } = ctx;
  const attack = '15. Git on this computer (a lab-made repository, filters, drivers, hooks, fsmonitor, includes, .git files and spellings)';
  const ws = profile.server.workspace;
  const marker = mkdtempSync(path.join(os.tmpdir(), 'classlab-git-audit-'));
  const data = mkdtempSync(path.join(os.tmpdir(), 'classlab-git-audit-data-'));
  try {
    const planted = await lab.sh(hostileGitScript(ws, HOSTILE_GIT_FOLDER, marker), { timeoutSeconds: 120 });
    if (planted.code !== 0 || !planted.out.includes('planted'))
      return [{ attack, blocked: false, evidence: `The variants could not be planted: ${planted.out.trim().slice(-300)}` }];
    const live = (await lab.sh(controlScript(ws, HOSTILE_GIT_FOLDER, marker), { timeoutSeconds: 120 })).out.trim();
    await lab.sh(`rm -rf ${q(marker)} /tmp/classlab-audit-git-ctl.git`, { timeoutSeconds: 20 });

    // ClassLab's own path: the Git panel's Check, then Commit, on the folder.
    const git = new LabGit({
      dataDir: data,
      credentials: new GitCredentialStore(async () => {
        throw new Error('the sandbox check saves no token');
      }),
      log: ctx.log,
      profile: () => profile,
      target: () => ({ docker: ctx.docker, container: lab.container, profile }),
      emit: () => undefined,
      trust: ctx.policy.trust,
    });
    let outcome: string;
    let leftOut: string[] = [];
    try {
      const status = await git.repoStatus(profile.id, HOSTILE_GIT_FOLDER);
      leftOut = status.skipped.map((s) => s.path.slice(HOSTILE_GIT_FOLDER.length + 1));
      const committed = await git.commit(profile.id, HOSTILE_GIT_FOLDER, 'sandbox check', null);
      outcome = `status saw ${status.changed.length} files, commit took ${committed.files}`;
    } catch (err) {
      outcome = `ClassLab's git refused: ${(err as Error).message}`;
    } finally {
      await git.close();
    }
    const ran = (await fs.readdir(marker)).sort();
    const missed = EXPECTED_LEFT_OUT.filter((p) => !leftOut.includes(p));
    const blocked = ran.length === 0 && missed.length === 0;
    const evidence = [
      blocked ? 'blocked' : 'NOT blocked',
      `${HOSTILE_GIT_VARIANTS.length} variants planted in ${HOSTILE_GIT_FOLDER} (${HOSTILE_GIT_VARIANTS.map((v) => v.id).join(', ')})`,
      `live: the lab's own git, run the way ClassLab's used to, ran ${live === '' ? 'none' : live.trim().split(' ').join(', ')} inside the lab`,
      `ClassLab: ${outcome}`,
      ran.length ? `PROGRAMS RAN ON THIS COMPUTER: ${ran.join(', ')}` : `no marker on this computer (${marker} stayed empty)`,
      missed.length ? `NOT left out of the host copy: ${missed.join(', ')}` : `left out of the host copy: ${leftOut.join(', ')}`,
    ].join('; ');
    return [{ attack, blocked, evidence }];
  } finally {
    await lab.sh(`rm -rf ${q(`${ws}/${HOSTILE_GIT_FOLDER}`)} /tmp/classlab-audit-git-home`, { timeoutSeconds: 30 }).catch(() => undefined);
    await fs.rm(marker, { recursive: true, force: true });
    await fs.rm(data, { recursive: true, force: true });
  }
}

export const gitHostAttacks: AuditAttack[] = [{ id: 'git-host', number: 15, run: gitOnThisComputer }];
