// Every file operation on a workspace runs INSIDE the lab (or its stopped lab's files helper), as the lab
// user, through one fixed shell script. Paths are passed as separate arguments, never pasted into the
// script, so no name (spaces, quotes, leading dashes, newlines) can become shell syntax or an option.
//
// Why in the container and as the student: the workspace is a Docker volume the host reaches only through
// Docker, and whatever a student planted there (a link to /etc, a folder swapped for a link mid-way) can
// then reach only what the student could reach anyway. On top of that, every path is checked: its parent
// must be its own real path (nothing on the way is a link), so a link made in the lab is never followed.
import type Docker from 'dockerode';
import { LabError } from '../../api/errors';
import { execCapture } from '../engine/exec';
import { STATFS_FORMAT } from '../sandbox/disk';
import { AGENT_MAX_REQUEST_BYTES, type AgentAnswer, type WorkspaceAgent } from './workspace-agent';
import type { Profile } from '../profiles/schema';

/** ClassLab's own folder in the workspace: the trash and half-finished uploads. Hidden from the browser. */
export const CLASSLAB_DIR = '.classlab';

// Exit codes the script uses; everything else is an unexpected failure with its stderr.
const EXIT = { notFound: 10, exists: 11, link: 12, notFolder: 13, full: 14, bad: 15, changed: 16, cannotCarry: 17 } as const;

export const WORKSPACE_SCRIPT = String.raw`
set -u
op=$1; ws=$2; shift 2
fail() { printf '%s' "$2" >&2; exit "$1"; }
ws=$(realpath -e -- "$ws") || fail 10 "The workspace folder is missing."
trash="$ws/.classlab/trash"
incoming="$ws/.classlab/incoming"
abs() { if [ -z "$1" ]; then printf '%s' "$ws"; else printf '%s' "$ws/$1"; fi; }
# The parent of a path must be a real folder reached without any link (a link made in the lab is never followed).
parent_ok() {
  pp=$(dirname -- "$1")
  [ -d "$pp" ] || fail 10 "The folder $(basename -- "$pp") is not there."
  rp=$(realpath -e -- "$pp") || fail 10 "The folder is not there."
  [ "$rp" = "$pp" ] || fail 12 "The path goes through a link; ClassLab does not follow links."
  case "$rp/" in "$ws"/*) ;; *) fail 12 "The path leaves the workspace." ;; esac
}
exists() { [ -e "$1" ] || [ -L "$1" ]; }
dir_ok() {
  if [ "$1" = "$ws" ]; then return 0; fi
  parent_ok "$1"
  [ -L "$1" ] && fail 12 "That is a link; ClassLab does not follow links."
  [ -d "$1" ] || fail 13 "That is not a folder."
}
# A free name beside existing ones: "report.pdf" -> "report (2).pdf"; a folder ($3) keeps its whole name.
free_name() {
  d=$1; n=$2; stem=$n; ext=
  if [ ! -d "$3" ] || [ -L "$3" ]; then case "$n" in ?*.*) stem=\${n%.*}; ext=.\${n##*.} ;; esac; fi
  i=2
  while exists "$d/$stem ($i)$ext"; do i=$((i + 1)); done
  printf '%s' "$stem ($i)$ext"
}
to_trash() { # $1 id, $2 rel
  src=$(abs "$2")
  parent_ok "$src"
  exists "$src" || fail 10 "Not found: $2"
  mkdir -p -- "$trash/$1" || fail 14 "Could not make the trash folder."
  printf '%s' "$2" > "$trash/$1.path" || fail 14 "Could not write to the trash."
  mv -- "$src" "$trash/$1/" || fail 14 "Could not move it to the trash."
}
# missing, or a fingerprint of every entry (name, kind, size, time); refuses what cannot be carried.
state() {
  if ! exists "$1"; then printf 'missing'; return 0; fi
  [ -L "$1" ] && fail 12 "$2 is a link; ClassLab does not follow links."
  [ -d "$1" ] || fail 13 "$2 is not a folder."
  odd=$(find "$1" ! -type f ! -type d -printf '%P' -quit)
  [ -z "$odd" ] || fail 17 "$2/$odd is a link or a special file, which git sync does not carry. Move it out of $2, then try again."
  find "$1" -printf '%P\0%y\0%s\0%T@\0' | md5sum | cut -d' ' -f1 | tr -d '\n'
}
staging() {
  s="$incoming/$1"
  [ -d "$s" ] && [ ! -L "$s" ] && [ "$(realpath -e -- "$s")" = "$s" ] || fail 12 "The staging folder was replaced by a link; nothing was changed."
}
case "$op" in
list)
  d=$(abs "$1"); dir_ok "$d"
  # Not shown: ClassLab's own folder, and the workspace disk's lost+found (the file system's, not the student's).
  find "$d" -mindepth 1 -maxdepth 1 ! -path "$ws/.classlab" ! -path "$ws/lost+found" -printf '%y\0%s\0%T@\0%f\0%l\0'
  printf 'DU\0'
  timeout 5 du -0 -B1 --apparent-size -d1 -- "$d" 2>/dev/null
  printf 'DF\0'
  stat -f -c '${STATFS_FORMAT}' "$ws"; printf '\0'
  printf 'TRASH\0'
  find "$trash" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l
  ;;
describe)
  # What it is ("file <size>", "folder 0", "link 0", "other 0"); for a folder, then every path inside.
  p=$(abs "$1"); [ "$p" = "$ws" ] || parent_ok "$p"
  if [ -L "$p" ]; then printf 'link 0\0'
  elif [ -d "$p" ]; then printf 'folder 0\0'; find "$p" -mindepth 1 -printf '%P\0'
  elif [ -f "$p" ]; then printf 'file %s\0' "$(stat -c %s -- "$p")"
  elif [ -e "$p" ]; then printf 'other 0\0'
  else fail 10 "Not found: $1"; fi
  ;;
mkdir)
  p=$(abs "$1"); parent_ok "$p"
  exists "$p" && fail 11 "There is already something called $(basename -- "$p") here."
  mkdir -- "$p" || fail 14 "Could not make the folder."
  ;;
move)
  f=$(abs "$1"); t=$(abs "$2")
  parent_ok "$f"; parent_ok "$t"
  exists "$f" || fail 10 "Not found: $1"
  exists "$t" && fail 11 "There is already something called $(basename -- "$t") there."
  case "$t/" in "$f"/*) fail 15 "A folder cannot be moved into itself." ;; esac
  mv -T -n -- "$f" "$t" || fail 14 "Could not move it."
  if exists "$f"; then fail 11 "There is already something called $(basename -- "$t") there."; fi
  ;;
trash)
  id=$1; shift; i=0
  for rel in "$@"; do i=$((i + 1)); to_trash "$id-$i" "$rel"; done
  ;;
trashlist)
  [ -d "$trash" ] || exit 0
  for entry in "$trash"/*; do
    [ -d "$entry" ] && [ ! -L "$entry" ] || continue
    id=$(basename -- "$entry")
    [ -f "$trash/$id.path" ] || continue
    printf '%s\0' "$id"; cat -- "$trash/$id.path"; printf '\0%s\0' "$(stat -c %Y -- "$trash/$id.path")"
    name=$(find "$entry" -mindepth 1 -maxdepth 1 -printf '%f' -quit)
    [ -n "$name" ] || continue
    printf '%s\0%s\0' "$(find "$entry" -mindepth 1 -maxdepth 1 -printf '%y' -quit)" "$name"
    du -s -B1 --apparent-size -- "$entry/$name" | cut -f1 | tr -d '\n'; printf '\0'
  done
  ;;
restore)
  id=$1
  [ -f "$trash/$id.path" ] || fail 10 "That item is no longer in the trash."
  orig=$(cat -- "$trash/$id.path")
  item=$(find "$trash/$id" -mindepth 1 -maxdepth 1 -printf '%f' -quit)
  [ -n "$item" ] || fail 10 "That item is no longer in the trash."
  t=$(abs "$orig"); pd=$(dirname -- "$t")
  case "$pd/" in "$ws"/*) ;; *) fail 12 "It cannot go back outside the workspace." ;; esac
  mkdir -p -- "$pd" || fail 14 "Could not make its folder again."
  parent_ok "$t"
  name=$(basename -- "$t")
  if exists "$t"; then name=$(free_name "$pd" "$name" "$trash/$id/$item"); fi
  mv -T -n -- "$trash/$id/$item" "$pd/$name" || fail 14 "Could not put it back."
  rmdir -- "$trash/$id"; rm -f -- "$trash/$id.path"
  rel=\${pd#"$ws"}; rel=\${rel#/}
  if [ -n "$rel" ]; then printf '%s/%s' "$rel" "$name"; else printf '%s' "$name"; fi
  ;;
emptytrash)
  [ -d "$trash" ] || exit 0
  chmod -R u+rwX -- "$trash" 2>/dev/null
  rm -rf -- "$trash" || fail 14 "Could not empty the trash."
  ;;
plan)
  # A fresh staging folder for the upload (on the workspace's own file system, so moving it in place is
  # a rename), the disk's numbers, then which of the names are already in the folder.
  id=$1; d=$(abs "$2"); shift 2; dir_ok "$d"
  mkdir -p -- "$incoming" || fail 14 "The workspace is full."
  find "$incoming" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf -- {} + 2>/dev/null
  mkdir -- "$incoming/$id" || fail 14 "The workspace is full."
  stat -f -c '${STATFS_FORMAT}' "$ws" | tr -d '\n'; printf '\0'
  for n in "$@"; do if exists "$d/$n"; then printf '%s\0' "$n"; fi; done
  ;;
discard)
  [ -d "$incoming/$1" ] || exit 0
  chmod -R u+rwX -- "$incoming/$1" 2>/dev/null
  rm -rf -- "$incoming/$1"
  ;;
commit)
  # Moves each uploaded top-level item from the staging folder in place, by the clash choice.
  id=$1; dest=$(abs "$2"); choice=$3; tid=$4; shift 4
  dir_ok "$dest"
  s="$incoming/$id"; i=0
  # The engine unpacked the upload here: it must still be the real staging folder (no link swapped in).
  [ -d "$s" ] && [ ! -L "$s" ] && [ "$(realpath -e -- "$s")" = "$s" ] || fail 12 "The upload's staging folder was replaced by a link; nothing was kept."
  for n in "$@"; do
    exists "$s/$n" || continue
    if exists "$dest/$n"; then
      case "$choice" in
      skip) printf 'skipped\0%s\0' "$n"; continue ;;
      replace)
        i=$((i + 1)); rel=\${dest#"$ws"}; rel=\${rel#/}
        if [ -n "$rel" ]; then to_trash "$tid-$i" "$rel/$n"; else to_trash "$tid-$i" "$n"; fi
        mv -T -n -- "$s/$n" "$dest/$n" || fail 14 "Could not put $n in place."
        printf 'replaced\0%s\0' "$n" ;;
      *)
        nn=$(free_name "$dest" "$n" "$s/$n")
        mv -T -n -- "$s/$n" "$dest/$nn" || fail 14 "Could not put $n in place."
        printf 'renamed\0%s\0%s\0' "$n" "$nn" ;;
      esac
    else
      mv -T -n -- "$s/$n" "$dest/$n" || fail 14 "Could not put $n in place."
      printf 'written\0%s\0' "$n"
    fi
  done
  chmod -R u+rwX -- "$s" 2>/dev/null; rm -rf -- "$s"
  ;;
# Git sync's folder swaps (files/folder-sync.ts).
folderstate)
  p="$ws/$1"; parent_ok "$p"; state "$p" "$1"
  ;;
folderstage)
  mkdir -p -- "$incoming" && mkdir -- "$incoming/$1" || fail 14 "Could not make a staging folder: is the workspace full?"
  ;;
folderplace)
  id=$1; t="$ws/$2"; want=$3
  staging "$id"
  [ -d "$s/x" ] && [ ! -L "$s/x" ] || fail 14 "The new folder is not in the staging folder."
  mkdir -p -- "$(dirname -- "$t")" || fail 14 "Could not make the folder for $2."
  parent_ok "$t"
  if [ "$want" = new ]; then
    d=$(dirname -- "$t"); n=$(basename -- "$t"); name=$n; i=2
    while exists "$d/$name"; do name="$n ($i)"; i=$((i + 1)); done
    mv -T -n -- "$s/x" "$d/$name" && ! exists "$s/x" || fail 14 "Could not put $name in place."
    printf '%s' "$name"
  else
    now=$(state "$t" "$2") || exit $?
    [ "$now" = "$want" ] || fail 16 "Files in $2 changed while it was being synced, so nothing was changed. Save your work and try again."
    if [ "$now" != missing ]; then
      mv -T -n -- "$t" "$s/old" && ! exists "$t" || fail 14 "Could not move the old $2 aside; nothing was changed."
    fi
    if ! mv -T -n -- "$s/x" "$t" || exists "$s/x"; then
      if [ "$now" != missing ]; then mv -T -n -- "$s/old" "$t"; fi
      fail 14 "Could not put the new $2 in place; the old one is back."
    fi
  fi
  chmod -R u+rwX -- "$s" 2>/dev/null; rm -rf -- "$s"
  ;;
folderremove)
  p="$ws/$1"; parent_ok "$p"
  [ -d "$p" ] && [ ! -L "$p" ] || exit 0
  chmod -R u+rwX -- "$p" 2>/dev/null; rm -rf -- "$p"
  ;;
*) fail 15 "unknown operation" ;;
esac
`.replaceAll('\\$', '$');

export interface ScriptTarget {
  docker: Docker;
  /** The container to run in: the running lab, or its files helper while the lab is stopped. */
  container: string;
  profile: Profile;
  /** A long-lived shell in that container that runs operations without a new exec each (optional). */
  agent?: WorkspaceAgent;
}

/** Runs one operation of the script; its own failures become LabErrors with its plain-words message. */
export async function runWorkspaceOp(target: ScriptTarget, op: string, args: string[]): Promise<Buffer> {
  const result =
    (await viaAgent(target, op, args)) ??
    (await execCapture(target.docker, target.container, workspaceOpCommand(target.profile, op, args), execAs(target.profile)));
  if (result.code === 0) return result.stdout;
  throw workspaceOpError(op, result.code, result.stderr);
}

/** The operation through the target's agent, or null to run it as an exec (no agent, a long request, or the agent just ended). */
async function viaAgent(target: ScriptTarget, op: string, args: string[]): Promise<AgentAnswer | null> {
  const agent = target.agent;
  const all = [op, target.profile.server.workspace, ...args];
  if (!agent?.alive || all.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0) > AGENT_MAX_REQUEST_BYTES) return null;
  try {
    return await agent.run(all);
  } catch {
    return null;
  }
}

/** The command line of one operation: the script, then its arguments (never pasted into the script). */
export function workspaceOpCommand(profile: Profile, op: string, args: string[]): string[] {
  return ['sh', '-c', WORKSPACE_SCRIPT, 'classlab-files', op, profile.server.workspace, ...args];
}

export function execAs(profile: Profile): { user: string; workingDir: string } {
  return { user: profile.server.user, workingDir: profile.server.workspace };
}

/** An operation's failure as a LabError with the script's plain-words message. */
export function workspaceOpError(op: string, code: number | null, stderr: string): LabError {
  const message = stderr.trim().split('\n').pop() || `The file operation "${op}" failed (exit ${code}).`;
  switch (code) {
    case EXIT.notFound:
      return new LabError('NOT_FOUND', message);
    case EXIT.exists:
      return new LabError('EXISTS', message);
    case EXIT.link:
    case EXIT.notFolder:
    case EXIT.bad:
      return new LabError('PATH_INVALID', message);
    case EXIT.changed:
      return new LabError('BUSY', message);
    case EXIT.cannotCarry:
      return new LabError('REFUSED', message);
    case EXIT.full:
      // "Could not …" with the tool's own complaint on the line before: a full disk says so.
      if (/no space left|disk quota/i.test(stderr)) {
        return new LabError('DISK_FULL', `${message} The workspace is full: delete files you do not need (and empty the trash), then try again.`);
      }
      return new LabError('INTERNAL', `${message} ${stderr.trim().split('\n').slice(-2, -1)[0] ?? ''}`.trim());
    default:
      return new LabError('INTERNAL', `The file operation "${op}" failed: ${message}`);
  }
}

/** Splits NUL-separated output into fields (the last, empty one dropped). */
export function nulFields(buf: Buffer): string[] {
  const fields = buf.toString('utf8').split('\0');
  if (fields.length && fields[fields.length - 1] === '') fields.pop();
  return fields;
}
