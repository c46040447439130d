// The one contract between the UI and everything that runs in Node. The same channel names, argument
// schemas and result schemas serve Electron IPC (preload ⇄ ipcMain) and the browser bridge (WebSocket),
// so the browser build is the real UI. Only zod and types here: the renderer and the preload import it.
import { z } from 'zod';

export const LAB_ID = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a lab id is 1–40 lower-case letters, digits or dashes, starting with a letter');

export const ERROR_CODES = [
  'ENGINE_DOWN',
  'IMAGE_MISSING',
  'LAB_NOT_FOUND',
  'PROFILE_INVALID',
  'BUSY',
  'BUILD_FAILED',
  'PULL_FAILED',
  'START_FAILED',
  'NOT_READY',
  'PORT_BUSY',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_SUPPORTED',
  /** A workspace path that is unsafe or names something that is not there (or not what was expected). */
  'PATH_INVALID',
  'NOT_FOUND',
  /** A file or folder of that name is already there. */
  'EXISTS',
  /** The workspace (its size limit) has no room for this. */
  'DISK_FULL',
  /** An archive, a fetched notebook or an upload was refused as unsafe or malformed. */
  'REFUSED',
  /** The user cancelled. */
  'CANCELLED',
  /** The UI lost its connection to ClassLab (the bridge went away); raised by the client, not the core. */
  'DISCONNECTED',
  /** A git address refused by ClassLab's rules (ext::, option injection, http:// on a network, a local folder). */
  'GIT_URL_REFUSED',
  /** The git server refused the user name or token (or, for ssh, the key): ask for a token. */
  'GIT_AUTH_FAILED',
  /** The git server could not be reached. */
  'GIT_NETWORK',
  /** The server answered but has no such repository. */
  'GIT_REPO_NOT_FOUND',
  /** The repository has no branch of that name. */
  'GIT_BRANCH_MISSING',
  /** The remote has commits the folder lacks, or does not allow pushing. */
  'GIT_PUSH_REJECTED',
  /** A git operation took too long or was cancelled. */
  'GIT_TIMEOUT',
  /** Anything else git reported. */
  'GIT_FAILED',
  /** The saved credentials cannot be decrypted (another key, a damaged file): enter them again. */
  'SECRETS_UNREADABLE',
  /** A lab pack that is damaged, changed, truncated, malformed or hostile: nothing of it was loaded. */
  'PACK_INVALID',
  /** A lab pack that is unsigned, or signed by a key this computer does not trust: nothing was loaded. */
  'PACK_UNTRUSTED',
  /**
   * An admin method (see core/admin/admin-methods.ts) while the admin area is locked, or no admin PIN is
   * set yet; also a wrong PIN or too many of them (admin:unlock, admin:setPin). Ask for the PIN.
   */
  'LOCKED',
  /** A workspace backup whose file does not match its checksum or manifest, or holds what a backup may not: nothing was restored. */
  'BACKUP_INVALID',
  /** Opening one more lab than this machine's cap (settings maxRunningLabs): the message names the labs that run; stop one first. */
  'TOO_MANY_LABS',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Every error crosses a process boundary as {code, message}: the code is for the UI to act on. */
export const ApiError = z.object({ code: ErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export const EngineStatus = z.object({
  state: z.enum(['checking', 'up', 'down']),
  /** Where the engine was found (a socket path or host), for diagnostics. */
  endpoint: z.string().nullable(),
  version: z.string().nullable(),
  /** Why it is down, in plain words. */
  problem: z.string().nullable(),
  /** What the user can do about it. */
  hint: z.string().nullable(),
  /** When the next automatic check happens (ms since epoch), so the UI can count down. */
  nextCheckAt: z.number().nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const LAB_PHASES = ['image-missing', 'building', 'stopped', 'starting', 'ready', 'stopping', 'error'] as const;
export const LabPhase = z.enum(LAB_PHASES);
export type LabPhase = z.infer<typeof LabPhase>;

export const ImageProgress = z.object({
  labId: LAB_ID,
  kind: z.enum(['build', 'pull']),
  /** 0..1 where known (build steps, pulled bytes); null while only log lines are known. */
  fraction: z.number().min(0).max(1).nullable(),
  /** "Step 3/9: RUN apt-get …" or "Downloading 120 MB of 400 MB". */
  step: z.string().nullable(),
  /** The newest log lines, oldest first (bounded). */
  lines: z.array(z.string()),
  done: z.boolean(),
  error: z.string().nullable(),
});
export type ImageProgress = z.infer<typeof ImageProgress>;

/** What the lab view shows first: the notebook, or a terminal (the code lab: programs are compiled and run in a shell). */
export const LAB_LAYOUTS = ['notebook', 'terminal'] as const;
export const LabLayout = z.enum(LAB_LAYOUTS);
export type LabLayout = z.infer<typeof LabLayout>;

export const LabView = z.object({
  id: LAB_ID,
  title: z.string(),
  description: z.string(),
  image: z.string(),
  /** 'build' when the profile has a bundled Dockerfile, 'pull' when it names a public image. */
  source: z.enum(['build', 'pull']),
  phase: LabPhase,
  /** Why the lab is in this phase, in plain words (errors, a missing image, a slow start). */
  reason: z.string().nullable(),
  /** The container's last log lines when a start failed. */
  logTail: z.array(z.string()),
  /**
   * A limit the running lab hit, in plain words ("Your lab ran out of memory (2 GiB) and the kernel
   * was restarted…", "Workspace full (2 GiB)…", "Too many processes…"), or null.
   */
  notice: z.string().nullable(),
  progress: ImageProgress.nullable(),
  /** The notebook's address with its token, only while ready. */
  notebookUrl: z.string().nullable(),
  resources: z.object({ memoryMiB: z.number(), cpus: z.number(), pids: z.number() }),
  network: z.enum(['none', 'internet']),
  layout: LabLayout,
  /**
   * A warm lab is ready for this lab while it is stopped (setting warmLabs, core/labs/warm-labs.ts): the
   * next Open claims it and is ready at once. False while the lab runs.
   */
  warm: z.boolean(),
});
export type LabView = z.infer<typeof LabView>;

/** A profile in the catalog that failed validation: reported by name and field, the rest still load. */
export const ProfileProblem = z.object({ profile: z.string(), field: z.string(), message: z.string() });
export type ProfileProblem = z.infer<typeof ProfileProblem>;

export const Catalog = z.object({ labs: z.array(LabView), problems: z.array(ProfileProblem) });
export type Catalog = z.infer<typeof Catalog>;

export const Rect = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(0).max(20000),
  height: z.number().int().min(0).max(20000),
});
export type Rect = z.infer<typeof Rect>;

/** Where a lab's notebook is drawn: in Electron a native view owned by the main process; in a browser a frame. */
export const NotebookPlacement = z.discriminatedUnion('kind', [z.object({ kind: z.literal('view') }), z.object({ kind: z.literal('frame'), url: z.string() })]);
export type NotebookPlacement = z.infer<typeof NotebookPlacement>;

/** A terminal into a lab: a shell in the lab's container, over Docker exec with a TTY. */
export const TERMINAL_ID = z.string().regex(/^t[a-f0-9]{16}$/, 'a terminal id');
export const TerminalSize = z.object({ cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) });
export type TerminalSize = z.infer<typeof TerminalSize>;
export const TerminalInfo = z.object({ terminalId: TERMINAL_ID, labId: LAB_ID });
export type TerminalInfo = z.infer<typeof TerminalInfo>;
export const TerminalData = z.object({ terminalId: TERMINAL_ID, data: z.string() });
export type TerminalData = z.infer<typeof TerminalData>;
export const TerminalExit = z.object({
  terminalId: TERMINAL_ID,
  /** The shell's exit code, when Docker knows it. */
  code: z.number().int().nullable(),
  /** Why it ended, in plain words ("The shell exited.", "The lab stopped."). */
  reason: z.string(),
});
export type TerminalExit = z.infer<typeof TerminalExit>;
/** Output is flow-controlled: the view acknowledges what it has drawn; unacknowledged output is capped. */
export const TERMINAL_WINDOW_CHARS = 512 * 1024;

/** The sandbox check: attacks run inside a throw-away lab, as a student would. */
export const AttackResult = z.object({
  attack: z.string(),
  /** True only when the attack was tried and did no harm; one that could not be tried is not blocked. */
  blocked: z.boolean(),
  evidence: z.string(),
});
export type AttackResult = z.infer<typeof AttackResult>;
export const AuditReport = z.object({
  labId: LAB_ID,
  title: z.string(),
  results: z.array(AttackResult),
  allBlocked: z.boolean(),
  /** Why the check could not run for this lab (its image is missing, say), or null. */
  problem: z.string().nullable(),
  startedAt: z.number(),
  finishedAt: z.number(),
});
export type AuditReport = z.infer<typeof AuditReport>;
export const AuditProgress = z.object({
  labId: LAB_ID,
  /** 'starting' the throw-away lab, one 'result' per attack line, 'done' at the end. */
  stage: z.enum(['starting', 'result', 'done']),
  result: AttackResult.nullable(),
});
export type AuditProgress = z.infer<typeof AuditProgress>;

/** The lab's workspace, as a file browser sees it. Paths are relative to the workspace root, '' is the root. */
export const WORKSPACE_PATH = z.string().max(4096);
export const FileEntry = z.object({
  name: z.string(),
  /** 'link': a symbolic link made in the lab, shown but never followed; 'other': a device, socket or pipe. */
  kind: z.enum(['file', 'folder', 'link', 'other']),
  /** Bytes; for a folder the bytes of everything in it. */
  size: z.number().min(0),
  modifiedMs: z.number(),
  /** Where a link points, for display only. */
  linkTarget: z.string().nullable(),
});
export type FileEntry = z.infer<typeof FileEntry>;
export const DiskUsage = z.object({ usedBytes: z.number(), totalBytes: z.number(), freeBytes: z.number(), limitMiB: z.number() });
export type DiskUsage = z.infer<typeof DiskUsage>;
export const FolderListing = z.object({
  labId: LAB_ID,
  path: WORKSPACE_PATH,
  entries: z.array(FileEntry),
  usage: DiskUsage.nullable(),
  /** Items in the workspace's trash. */
  trashCount: z.number().int().min(0),
  /** True while the lab is stopped and a small helper container serves its files. */
  viaHelper: z.boolean(),
});
export type FolderListing = z.infer<typeof FolderListing>;
export const TrashEntry = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,80}$/),
  name: z.string(),
  /** Where it was when it was deleted. */
  originalPath: WORKSPACE_PATH,
  kind: z.enum(['file', 'folder', 'link', 'other']),
  size: z.number().min(0),
  deletedAtMs: z.number(),
});
export type TrashEntry = z.infer<typeof TrashEntry>;
export const CLASH_CHOICES = ['replace', 'keep-both', 'skip'] as const;
export const ClashChoice = z.enum(CLASH_CHOICES);
export type ClashChoice = z.infer<typeof ClashChoice>;
/** What the UI is about to upload: every file and folder, relative to the target folder. */
export const UploadRequest = z.object({
  dir: WORKSPACE_PATH,
  entries: z
    .array(z.object({ path: WORKSPACE_PATH, kind: z.enum(['file', 'folder']), size: z.number().int().min(0) }))
    .min(1)
    .max(200_000),
});
export type UploadRequest = z.infer<typeof UploadRequest>;
export const UPLOAD_ID = z.string().regex(/^u[a-f0-9]{32}$/, 'an upload id');
export const UploadPlan = z.object({
  uploadId: UPLOAD_ID,
  /**
   * Where to send the tar of the entries (in the order given, folders before their contents) with HTTP
   * PUT, appended to LabApi.files.transferBase; `?clash=replace|keep-both|skip` says what to do on a clash.
   */
  path: z.string(),
  /** Top-level names that are already in the target folder. */
  clashes: z.array(z.string()),
  totalBytes: z.number(),
  fileCount: z.number().int(),
  freeBytes: z.number().nullable(),
});
export type UploadPlan = z.infer<typeof UploadPlan>;
/** What an upload did: the reply body of the PUT (JSON), also checked by the UI. */
export const UploadResult = z.object({
  written: z.array(z.string()),
  /** Clashing names kept as "name (2).ext": [uploaded name, name given]. */
  renamed: z.array(z.tuple([z.string(), z.string()])),
  skipped: z.array(z.string()),
  /** Replaced items went to the trash first. */
  replaced: z.array(z.string()),
  bytes: z.number(),
  files: z.number().int(),
});
export type UploadResult = z.infer<typeof UploadResult>;
export const DownloadLink = z.object({
  /** GET it (appended to LabApi.files.transferBase); single use, valid for a minute. */
  path: z.string(),
  /** The file name the download is saved under (a folder becomes "name.zip"). */
  fileName: z.string(),
  kind: z.enum(['file', 'zip']),
});
export type DownloadLink = z.infer<typeof DownloadLink>;
export const UrlImport = z.object({ path: WORKSPACE_PATH, bytes: z.number() });
export type UrlImport = z.infer<typeof UrlImport>;

// Git: a lab's course repository (sync, snapshots) and a workspace folder's own remote (status, commit, push).
export const KeptFile = z.object({
  path: z.string(),
  /** Where the instructor's version was written beside the student's, or null when there is none. */
  instructorCopy: z.string().nullable(),
  reason: z.enum(['both-changed-notebook', 'both-changed-binary', 'removed-by-instructor']),
});
export type KeptFile = z.infer<typeof KeptFile>;

/** What a course sync did. Paths are relative to the course folder. */
export const CourseSyncReport = z.object({
  /** cloned: first copy; synced: changes applied; up-to-date: nothing to do; fresh-copy: histories diverged, old folder backed up. */
  outcome: z.enum(['cloned', 'synced', 'up-to-date', 'fresh-copy']),
  /** The instructor's commit the folder now matches (plus the student's own changes). */
  commit: z.string(),
  previousCommit: z.string().nullable(),
  /** New files from the instructor. */
  added: z.array(z.string()),
  /** Files the student had not changed, replaced by the instructor's newer version. */
  updated: z.array(z.string()),
  /** Text files both changed: combined; where both changed the same lines, the student's lines were kept. */
  merged: z.array(z.string()),
  /** The student's version kept as it is (see reason). */
  kept: z.array(KeptFile),
  /** A student's file or folder that was in the way of a new instructor file, moved to a "(yours)" name. */
  renamed: z.array(z.object({ from: z.string(), to: z.string() })),
  /** Files the student had deleted, back again. */
  restored: z.array(z.string()),
  /** Files the instructor removed that the student had not changed. */
  removed: z.array(z.string()),
  /** The backup of the old folder (a sibling of the course folder), when histories diverged. */
  backup: z.string().nullable(),
  /** The snapshot taken before the sync, when one was asked for. */
  snapshot: z.string().nullable(),
  /** Notebooks that are not readable as they came (the sync never makes one): whose they are and why. */
  notebookProblems: z.array(z.object({ path: z.string(), origin: z.enum(['instructor', 'yours']), problem: z.string() })),
  /** The same in plain sentences, for the sync panel. */
  summary: z.array(z.string()),
});
export type CourseSyncReport = z.infer<typeof CourseSyncReport>;

export const SNAPSHOT_ID = z.string().regex(/^\d{8}T\d{9}Z(?:-[a-z0-9-]{1,40})?$/, 'a snapshot id');
export const SnapshotInfo = z.object({
  id: z.string(),
  /** ISO time the snapshot was taken. */
  createdAt: z.string(),
  label: z.string(),
  bytes: z.number(),
});
export type SnapshotInfo = z.infer<typeof SnapshotInfo>;

/** One finished course sync, as remembered for the sync panel. */
export const CourseSyncResult = z.object({
  labId: LAB_ID,
  /** ms since epoch. */
  at: z.number(),
  /** The backup folder's workspace path (beside the course folder), when histories diverged. */
  backupPath: WORKSPACE_PATH.nullable(),
  report: CourseSyncReport,
});
export type CourseSyncResult = z.infer<typeof CourseSyncResult>;

export const CourseStatus = z.object({
  labId: LAB_ID,
  /** The profile's course, or null when the lab has none. The URL never holds credentials. */
  course: z.object({ url: z.string(), branch: z.string(), folder: WORKSPACE_PATH, syncOnOpen: z.boolean(), hasCredentials: z.boolean() }).nullable(),
  /** A sync running now (also one started in the background when the lab opened). */
  syncing: z.boolean(),
  lastSync: CourseSyncResult.nullable(),
  /** The last sync that failed (cleared by the next success). */
  lastError: ApiError.extend({ at: z.number() }).nullable(),
  /** Newest first. */
  snapshots: z.array(SnapshotInfo),
  /**
   * The course copy a lab pack brought with the lab (issue #11); null or absent when none came. waiting:
   * the first copy will come from it (no network needed); used: the first copy came from it, later syncs
   * use the course address; refused: it was refused (problem says why) and the first copy comes from the
   * address instead.
   */
  packCopy: z
    .object({ state: z.enum(['waiting', 'used', 'refused']), commit: z.string().nullable(), problem: z.string().nullable(), at: z.number().nullable() })
    .nullable()
    .optional(),
});
export type CourseStatus = z.infer<typeof CourseStatus>;

/** Progress and outcome of a course sync, also one started in the background when a lab opens. */
export const GitProgress = z.object({
  labId: LAB_ID,
  stage: z.enum(['copying-out', 'fetching', 'writing-back', 'done', 'failed']),
  /** True for a sync ClassLab started itself (on open): show a notice, never an error screen. */
  background: z.boolean(),
  result: CourseSyncResult.nullable(),
  error: ApiError.nullable(),
});
export type GitProgress = z.infer<typeof GitProgress>;

export const RepoStatus = z.object({
  folder: WORKSPACE_PATH,
  branch: z.string(),
  /** Files that differ from the last commit. */
  changed: z.array(z.object({ path: z.string(), change: z.enum(['added', 'modified', 'deleted']) })),
  /** Commits here that the remote does not have, and the other way round (as of the last push). */
  ahead: z.number().int(),
  behind: z.number().int(),
  remoteKnown: z.boolean(),
  lastCommit: z.string().nullable(),
  /** Where this folder was last pushed to (no credentials), or null. */
  remoteUrl: z.string().nullable(),
  /** A token is saved for that remote. */
  hasCredentials: z.boolean(),
  /**
   * What the copy out of the lab left out (workspace paths), each with what it is: anything git would
   * take as a repository of its own (a `.git` folder or file, in any spelling git reads as one). Why:
   * ClassLab never reads a repository made inside a lab (its settings could run programs on the host);
   * these are never committed or pushed, and stay in the lab untouched.
   */
  skipped: z.array(z.object({ path: z.string().max(4096), reason: z.string().max(1000) })).max(1000),
});
export type RepoStatus = z.infer<typeof RepoStatus>;
export const GIT_URL = z.string().min(1).max(2048);
export const GitAuthor = z.object({ name: z.string().max(200), email: z.string().max(200) });
export type GitAuthor = z.infer<typeof GitAuthor>;

const noArgs = z.tuple([]);
const labArg = z.tuple([LAB_ID]);

/** Methods: channel name → [argument tuple schema, result schema]. Channel names are `area:method`. */
// Lab packs (core/packs): one file that carries whole labs, verified before anything of it is loaded.
export const PACK_ID = z.string().regex(/^p[a-f0-9]{32}$/, 'a pack id');
export const EXPORT_ID = z.string().regex(/^x[a-f0-9]{32}$/, 'an export id');
/** A signer's fingerprint: SHA256: and the base64 (no padding) of the SHA-256 of its raw Ed25519 public key. */
export const SIGNER_FINGERPRINT = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a signer fingerprint (SHA256:…)');
export const PackSigner = z.object({
  fingerprint: SIGNER_FINGERPRINT,
  /** This computer accepts packs from this signer (trust.packSigners). */
  trusted: z.boolean(),
  /** The signer is this computer's own key (the packs it exported itself). */
  own: z.boolean(),
});
export type PackSigner = z.infer<typeof PackSigner>;
export const PackLab = z.object({
  id: LAB_ID,
  title: z.string(),
  description: z.string(),
  image: z.string(),
  /** What importing does to this computer's lab of that id. */
  change: z.enum(['new', 'update', 'same']),
  /** The pack carries a copy of the lab's course repository (its first sync works offline). */
  course: z.boolean(),
  /** How many of the lab's exercises the pack carries (installed on the host only, hidden tests included). */
  exercises: z.number().int().min(0),
});
export type PackLab = z.infer<typeof PackLab>;
export const PackImage = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  /** Uncompressed size of its layers. */
  bytes: z.number(),
  role: z.enum(['lab', 'helper']),
  /** This engine already has that image (same ID): it is not loaded again. */
  present: z.boolean(),
});
export type PackImage = z.infer<typeof PackImage>;
/** What a pack holds, read from its signed manifest without loading anything. */
export const PackSummary = z.object({
  fileName: z.string(),
  /** Size of the pack file. */
  bytes: z.number(),
  format: z.number(),
  classlabVersion: z.string(),
  created: z.string(),
  labs: z.array(PackLab),
  images: z.array(PackImage),
  /** Null for an unsigned pack. */
  signer: PackSigner.nullable(),
});
export type PackSummary = z.infer<typeof PackSummary>;
export const PackProgress = z.object({
  job: z.enum(['export', 'import', 'verify']),
  /** "Saving classlab/python:3", "Checking digests", "Loading images"… */
  stage: z.string(),
  fraction: z.number().min(0).max(1).nullable(),
  done: z.boolean(),
  error: z.string().nullable(),
});
export type PackProgress = z.infer<typeof PackProgress>;
export const PackExportRequest = z.object({ labs: z.array(LAB_ID).min(1).max(32) });
export const PackExport = z.object({
  exportId: EXPORT_ID,
  /** The name the download is saved under, such as python.classlab. */
  fileName: z.string(),
  bytes: z.number(),
  signer: SIGNER_FINGERPRINT,
});
export type PackExport = z.infer<typeof PackExport>;
export const PackUploadPlan = z.object({
  packId: PACK_ID,
  /** PUT the pack's bytes here (appended to LabApi.files.transferBase); then inspect and import packId. */
  path: z.string(),
});
export type PackUploadPlan = z.infer<typeof PackUploadPlan>;
export const PackImportResult = z.object({
  labs: z.array(LAB_ID),
  imagesLoaded: z.number(),
  imagesPresent: z.number(),
  /** Nothing changed: this exact pack was already installed. */
  unchanged: z.boolean(),
});
export type PackImportResult = z.infer<typeof PackImportResult>;

// The admin lock (core/admin): a PIN, kept only as a slow salted hash, opens the admin methods for a while.
export const MIN_PIN_LENGTH = 4;
export const MAX_PIN_LENGTH = 128;
/** A PIN as typed to unlock: any length here, so a wrong one is answered "Wrong PIN" like any other. */
export const ADMIN_PIN = z.string().max(4 * MAX_PIN_LENGTH);
/** Characters, not UTF-16 units: "1234" and "ąęść" are both 4. */
const characters = (s: string) => [...s].length;
/** A new PIN: at least 4 digits or characters (the UI says so before it sends one; the core checks again). */
export const NEW_ADMIN_PIN = z
  .string()
  .max(4 * MAX_PIN_LENGTH, `A PIN has at most ${MAX_PIN_LENGTH} characters.`)
  .refine((s) => characters(s) >= MIN_PIN_LENGTH, `A PIN has at least ${MIN_PIN_LENGTH} digits or characters.`)
  .refine((s) => characters(s) <= MAX_PIN_LENGTH, `A PIN has at most ${MAX_PIN_LENGTH} characters.`);
export const AdminStatus = z.object({
  /** An admin PIN exists on this computer (until then admin methods ask for one to be set). */
  pinSet: z.boolean(),
  /** The admin area is open: admin methods run. One session per running ClassLab, shared by its windows and tabs. */
  unlocked: z.boolean(),
  /** Idle minutes after which the admin area locks again (the adminLockMinutes setting). */
  lockMinutes: z.number().int().min(1),
  /** Seconds to wait before the next PIN is checked (after too many wrong ones); 0 when a PIN may be tried now. */
  retryAfterSeconds: z.number().int().min(0),
});
export type AdminStatus = z.infer<typeof AdminStatus>;
// Quick runs (core/runs): one program in a throw-away sandbox made from a lab's image, through a capped pool.
export const RUN_LANGUAGES = ['python', 'bash', 'c', 'cpp', 'java', 'javascript', 'r'] as const;
export const RunLanguage = z.enum(RUN_LANGUAGES);
export const RUN_VERDICTS = ['accepted', 'compile-error', 'runtime-error', 'time-limit', 'memory-limit', 'output-limit'] as const;
export const RunVerdict = z.enum(RUN_VERDICTS);
export const RUN_ID = z.string().regex(/^r[a-f0-9]{16}$/, 'a run id');
/** Code and stdin are hostile input: sizes are capped here, at the boundary. */
export const RunRequest = z.object({
  /** A lab whose image has the language; null: the first lab (in catalog order) whose image has it. */
  lab: LAB_ID.nullable(),
  lang: RunLanguage,
  code: z.string().max(256 * 1024),
  /** The program's stdin; none: empty. */
  stdin: z
    .string()
    .max(1024 * 1024)
    .optional(),
  /** Chosen by the caller to match runs:queue events to this call; made up when absent. */
  runId: RUN_ID.optional(),
});
export const RunResult = z.object({
  runId: RUN_ID,
  labId: LAB_ID,
  verdict: RunVerdict,
  /** Each capped (output-limit past the cap); decoded as UTF-8, invalid bytes replaced. */
  stdout: z.string(),
  stderr: z.string(),
  /** The program's exit status (128 + N when signal N ended it); null when ClassLab killed the run. */
  exitCode: z.number().int().nullable(),
  /** From the start of the sandbox to the end of the program, compile step included. */
  timeMs: z.number(),
  /** Peak memory of the run's sandbox, as its cgroup counted it; null when unknown. */
  memoryMiB: z.number().nullable(),
  /** Why the verdict is what it is, in a sentence, when the output alone does not say (limits, leftovers). */
  note: z.string().nullable(),
});
export type RunLanguage = z.infer<typeof RunLanguage>;
export type RunVerdict = z.infer<typeof RunVerdict>;
export type RunRequest = z.input<typeof RunRequest>;
export type RunResult = z.infer<typeof RunResult>;
/** A run's place: position 0 = running now, N = N-th in the queue. throttled: its lab holds a large part of the queue. */
export const RunQueueEvent = z.object({
  runId: RUN_ID,
  labId: LAB_ID,
  position: z.number().int().min(0),
  throttled: z.boolean(),
  message: z.string().nullable(),
});
export type RunQueueEvent = z.infer<typeof RunQueueEvent>;

// Exercises (core/exercises): installed on the host only (<data>/exercises/<lab>/<id>/); a check runs each
// test as a quick run and compares its output on the host. Hidden tests never leave the host: not their
// input, not their expected output, not what the program printed for them.
export const EXERCISE_ID = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an exercise id is 1–64 lower-case letters, digits or dashes');
export const COMPARE_MODES = ['exact', 'trailing-whitespace', 'numbers'] as const;
export const CompareMode = z.enum(COMPARE_MODES);
export type CompareMode = z.infer<typeof CompareMode>;
/** A test's verdict: a run's, or wrong-answer when it ran to the end with other output. */
export const TEST_VERDICTS = ['accepted', 'wrong-answer', 'compile-error', 'runtime-error', 'time-limit', 'memory-limit', 'output-limit'] as const;
export const TestVerdict = z.enum(TEST_VERDICTS);
export type TestVerdict = z.infer<typeof TestVerdict>;
export const ExerciseSummary = z.object({
  lab: LAB_ID,
  id: EXERCISE_ID,
  title: z.string(),
  languages: z.array(RunLanguage),
  tests: z.number().int(),
  hiddenTests: z.number().int(),
  points: z.number(),
});
export type ExerciseSummary = z.infer<typeof ExerciseSummary>;
/** A visible test as the student sees it. */
export const VisibleTest = z.object({
  /** 1-based, in the instructor's order (hidden tests keep their numbers). */
  number: z.number().int().min(1),
  name: z.string(),
  stdin: z.string(),
  expected: z.string(),
  compare: CompareMode,
  points: z.number(),
  timeSeconds: z.number(),
  memoryMiB: z.number(),
});
export type VisibleTest = z.infer<typeof VisibleTest>;
export const ExerciseView = ExerciseSummary.extend({
  /** Markdown, rendered as text only (no HTML). */
  statement: z.string(),
  starter: z.partialRecord(RunLanguage, z.string()),
  visibleTests: z.array(VisibleTest),
});
export type ExerciseView = z.infer<typeof ExerciseView>;
/** The folder install's caps (core/exercises/schema.ts): an exercise.json and a statement.md. */
export const MAX_EXERCISE_JSON_BYTES = 8 * 1024 * 1024;
export const MAX_EXERCISE_STATEMENT_BYTES = 256 * 1024;
export const EXERCISE_UPLOAD_ID = z.string().regex(/^e[a-f0-9]{32}$/, 'an exercise upload id');
/** An exercise folder sent from the admin's computer: its two files, PUT one by one to the plan's paths. */
export const ExerciseUploadRequest = z.object({
  lab: LAB_ID,
  id: EXERCISE_ID,
  exerciseBytes: z.number().int().min(1).max(MAX_EXERCISE_JSON_BYTES),
  statementBytes: z.number().int().min(0).max(MAX_EXERCISE_STATEMENT_BYTES),
});
export type ExerciseUploadRequest = z.infer<typeof ExerciseUploadRequest>;
export const ExerciseUploadPlan = z.object({
  uploadId: EXERCISE_UPLOAD_ID,
  /** PUT exercise.json's bytes here (appended to LabApi.files.transferBase). */
  exercisePath: z.string(),
  /** PUT statement.md's bytes here. */
  statementPath: z.string(),
});
export type ExerciseUploadPlan = z.infer<typeof ExerciseUploadPlan>;
export const CheckRequest = z.object({
  lab: LAB_ID,
  exercise: EXERCISE_ID,
  lang: RunLanguage,
  code: RunRequest.shape.code,
});
export type CheckRequest = z.infer<typeof CheckRequest>;
export const TestResult = z.object({
  number: z.number().int().min(1),
  hidden: z.boolean(),
  /** The test's name; null for a hidden test. */
  name: z.string().nullable(),
  passed: z.boolean(),
  verdict: TestVerdict,
  points: z.number(),
  maxPoints: z.number(),
  /** Null for a hidden test: nothing of what it gave or printed leaves the host. */
  stdout: z.string().nullable(),
  stderr: z.string().nullable(),
  note: z.string().nullable(),
  timeMs: z.number().nullable(),
  memoryMiB: z.number().nullable(),
  /** False when the test was not run (the program did not compile). */
  ran: z.boolean(),
});
export type TestResult = z.infer<typeof TestResult>;
export const CheckResult = z.object({
  lab: LAB_ID,
  exercise: EXERCISE_ID,
  lang: RunLanguage,
  passed: z.boolean(),
  points: z.number(),
  maxPoints: z.number(),
  /** The compiler's message when the program did not compile (it saw no test's input). */
  compileOutput: z.string().nullable(),
  tests: z.array(TestResult),
});
export type CheckResult = z.infer<typeof CheckResult>;

// Notebook grading (core/grading): an instructor's notebook with hidden tests, a student's submission,
// graded cell by cell in a throw-away container made from the lab's image (a quick run whose program is
// ClassLab's own grader). The instructor's notebook is read on the host only; no lab ever sees it.
/** The largest notebook (as text) a grading call takes. Over the bridge, its 64 KiB messages are the limit. */
export const MAX_GRADED_NOTEBOOK_CHARS = 16 * 1024 * 1024;
export const GRADE_CELL_STATUSES = ['passed', 'error', 'timeout', 'not-run'] as const;
export const GradeCellStatus = z.enum(GRADE_CELL_STATUSES);
export const GradeRequest = z.object({
  /** The lab whose image (and kernel) grades; null: the first lab whose image has Python. */
  lab: LAB_ID.nullable(),
  /** The instructor's notebook (solutions and hidden tests), the file's text. */
  source: z.string().max(MAX_GRADED_NOTEBOOK_CHARS),
  /** The student's notebook, the file's text. */
  submission: z.string().max(MAX_GRADED_NOTEBOOK_CHARS),
  /** What results call the submission (its file name). */
  name: z.string().min(1).max(255),
  /** Each cell's time limit in seconds (default 30). */
  timeoutSeconds: z.number().int().min(1).max(600).optional(),
});
export type GradeRequest = z.input<typeof GradeRequest>;
export const GradeCellResult = z.object({
  /** The graded cell's id: nbgrader's grade_id, or cell-N (its number in the instructor's notebook). */
  id: z.string(),
  status: GradeCellStatus,
  points: z.number(),
  maxPoints: z.number(),
  /** Why it has no points: the error's name and message, the time limit, or why it did not run. */
  reason: z.string().nullable(),
  /** The submission did not have the cell (deleted, or its metadata lost): it was put back by position. */
  restored: z.boolean(),
});
export type GradeCellResult = z.infer<typeof GradeCellResult>;
export const GradeResult = z.object({
  submission: z.string(),
  lab: LAB_ID,
  kernel: z.string(),
  cells: z.array(GradeCellResult),
  points: z.number(),
  maxPoints: z.number(),
  /** From the grading container's start to its end. */
  timeMs: z.number(),
});
export type GradeResult = z.infer<typeof GradeResult>;
/** One lab on this machine as the workshop host's overview shows it (host:status). Figures are null when not measured (a stopped lab). */
export const HostLabStatus = z.object({
  labId: LAB_ID,
  title: z.string(),
  phase: LabPhase,
  /** Of one CPU: 100 is one core busy. The limit is the profile's cpus × 100. */
  cpuPercent: z.number().nullable(),
  cpuLimitPercent: z.number(),
  memoryBytes: z.number().int().nullable(),
  memoryLimitBytes: z.number().int(),
  diskUsedBytes: z.number().int().nullable(),
  diskLimitBytes: z.number().int(),
  /** When the lab's container started (ISO 8601), and for how long it has run. */
  startedAt: z.string().nullable(),
  uptimeSeconds: z.number().int().nullable(),
  /** Terminals open in the lab through this ClassLab (null when not counted). */
  terminals: z.number().int().nullable(),
  /** Kernels running in the lab's notebook server (its api/kernels; null when not ready or it did not answer). */
  kernels: z.number().int().nullable(),
  /** A warm lab (setting warmLabs) runs for this stopped lab, as Docker says: its pair under the warm names. */
  warm: z.boolean(),
});
export type HostLabStatus = z.infer<typeof HostLabStatus>;

/** A Docker object with ClassLab's labels for this namespace whose lab is in no profile of the catalog. */
export const OrphanObject = z.object({
  kind: z.enum(['container', 'volume', 'network']),
  name: z.string(),
  labId: z.string().nullable(),
  role: z.string().nullable(),
  /** A container's state (running, exited, …); null for volumes and networks. */
  state: z.string().nullable(),
});
export type OrphanObject = z.infer<typeof OrphanObject>;

export const HostStatus = z.object({
  namespace: z.string(),
  /** When it was read (ISO 8601), and how long the reading took. */
  at: z.string(),
  tookMs: z.number().int(),
  labs: z.array(HostLabStatus),
  orphans: z.array(OrphanObject),
  /** The engine's machine: its CPUs and memory, for the totals (null when the engine did not say). */
  machine: z.object({ cpus: z.number().int(), memoryBytes: z.number().int() }).nullable(),
});
export type HostStatus = z.infer<typeof HostStatus>;

/** A backup's file name in <data>/backups/<lab>/: `<lab>-<UTC stamp>.tar.gz`. */
export const BACKUP_FILE = z.string().regex(/^[a-z][a-z0-9-]{0,39}-\d{8}T\d{6}(?:\d{3})?Z\.tar\.gz$/, 'a backup file name (LAB-YYYYMMDDTHHMMSSZ.tar.gz)');

/** The manifest written beside each backup (FILE.json), and a backup as listed. */
export const BackupManifest = z.object({
  format: z.literal(1),
  lab: LAB_ID,
  /** The profile's fingerprint when the backup was made (classlab.profile label). */
  profile: z.string().max(64),
  title: z.string().max(500),
  created: z.string().datetime(),
  /** Size and SHA-256 (hex) of the .tar.gz file. */
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.number().int().min(0),
  folders: z.number().int().min(0),
  /** Bytes of the files inside. */
  contentBytes: z.number().int().min(0),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

export const BackupInfo = BackupManifest.extend({
  /** The backup's file name (BACKUP_FILE) and where it is on this computer. */
  fileName: z.string(),
  file: z.string(),
});
export type BackupInfo = z.infer<typeof BackupInfo>;

export const RestoreResult = z.object({
  lab: LAB_ID,
  /** The new folder in the lab's workspace that holds the restored files. */
  folder: z.string(),
  files: z.number().int(),
  folders: z.number().int(),
  bytes: z.number().int(),
  /** Entries not restored (links), with why. */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type RestoreResult = z.infer<typeof RestoreResult>;

// The host terminal (core/hostterm): a shell on this computer itself, as the desktop user, in the admin
// area only. Its output uses the lab terminals' events (terminal:data, terminal:exit) and flow control.
export const HostTerminalInfo = z.object({
  terminalId: TERMINAL_ID,
  /** The shell that runs (the desktop user's login shell, or /bin/bash), and where it started. */
  shell: z.string(),
  cwd: z.string(),
});
export type HostTerminalInfo = z.infer<typeof HostTerminalInfo>;

// Machine settings (core/settings.ts): the admin area's settings screen reads and changes them.
export const THEMES = ['system', 'light', 'dark'] as const;
export const Theme = z.enum(THEMES);
export type Theme = z.infer<typeof Theme>;
/** The ranges of the machine's numeric settings: core/settings.ts keeps its values within these. */
export const ADMIN_LOCK_MINUTES = z.number().int().min(1, 'at least 1 minute').max(240, 'at most 240 minutes (4 hours)');
export const BACKUPS_KEEP = z.number().int().min(1, 'keep at least 1 backup').max(1000, 'at most 1000 backups');
export const RUNS_MAX_CONCURRENT = z.number().int().min(1, 'at least 1 run at once').max(16, 'at most 16 runs at once');
export const RUNS_MAX_QUEUED = z.number().int().min(1, 'at least 1 waiting run').max(500, 'at most 500 waiting runs');
export const MAX_RUNNING_LABS = z.number().int().min(1, 'at least 1 lab').max(64, 'at most 64 labs');
/** An engine address in DOCKER_HOST's form (ssh://user@host:port, tcp://host:port, unix:///path); the core checks its form. */
export const ENGINE_HOST = z.string().trim().min(1).max(300);
/** What this machine trusts, as the settings screen shows it (core/trust/machine-trust.ts owns the rules). */
export const TrustView = z.object({
  mountFolders: z.array(z.string()),
  localAddresses: z.array(z.string()),
  skipGvisorLabs: z.array(z.string()),
  packSigners: z.array(z.string()),
  unsignedPacks: z.boolean(),
});
export type TrustView = z.infer<typeof TrustView>;
/**
 * What a new lab starts with in the profile editor (setting newLabResources). Whole CPUs here; a lab's own
 * profile may still ask for a fraction. The ranges are the profile schema's (a unit test holds them together).
 */
export const NewLabResources = z.object({
  memoryMiB: z.number().int().min(128).max(262144),
  cpus: z.number().int().min(1).max(128),
  pids: z.number().int().min(32).max(32768),
  diskMiB: z.number().int().min(32).max(1048576),
});
export type NewLabResources = z.infer<typeof NewLabResources>;
export const NEW_LAB_RESOURCES: NewLabResources = { memoryMiB: 2048, cpus: 1, pids: 512, diskMiB: 2048 };
/** "HH:MM", 24-hour, local time. */
const CLOCK_TIME = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 08:55');
/**
 * When warm labs are kept: on these days (0 Sunday … 6 Saturday), from one time to a later one the same day
 * (local time). A class from 9:00 gets a window from 08:55.
 */
export const WarmWindow = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1, 'at least one day').max(7),
    from: CLOCK_TIME,
    until: CLOCK_TIME,
  })
  .strict()
  .refine((w) => w.from < w.until, { message: 'the window must end after it starts (the same day)', path: ['until'] });
export type WarmWindow = z.infer<typeof WarmWindow>;
/**
 * Warm labs (setting warmLabs): for each lab listed, ClassLab keeps one started sandbox with an answering
 * notebook while the lab is stopped, during the windows (always, when there are none). Open claims it.
 */
export const WarmLabs = z
  .object({
    labs: z.array(LAB_ID).max(16, 'at most 16 warm labs'),
    windows: z.array(WarmWindow).max(14, 'at most 14 windows'),
  })
  .strict();
export type WarmLabs = z.infer<typeof WarmLabs>;
export const NO_WARM_LABS: WarmLabs = { labs: [], windows: [] };
export const MachineSettings = z.object({
  trust: TrustView,
  adminLockMinutes: z.number().int(),
  backupsKeep: z.number().int(),
  quickRuns: z.object({ maxConcurrent: z.number().int(), maxQueued: z.number().int() }),
  theme: Theme,
  /** The most labs that may run at once (opening one more is TOO_MANY_LABS). */
  maxRunningLabs: z.number().int(),
  newLabResources: NewLabResources,
  warmLabs: WarmLabs,
  /** The Docker engine an admin chose (ssh://user@host:port…), or null: a local engine. DOCKER_HOST wins over it. */
  engineHost: z.string().nullable(),
});
export type MachineSettings = z.infer<typeof MachineSettings>;
/**
 * One change of what this machine trusts, the same verbs as `classlab trust …` (and checked by the same
 * code: a folder must exist and be one a lab may see, an address must be file:// or http(s), …).
 */
export const TrustChange = z.discriminatedUnion('area', [
  z.object({ area: z.enum(['mount', 'local', 'signer', 'gvisor']), verb: z.enum(['add', 'remove']), value: z.string().min(1).max(4096) }),
  z.object({ area: z.literal('unsigned'), allow: z.boolean() }),
]);
export type TrustChange = z.infer<typeof TrustChange>;
export const SettingsPatch = z
  .object({
    adminLockMinutes: ADMIN_LOCK_MINUTES.optional(),
    backupsKeep: BACKUPS_KEEP.optional(),
    quickRuns: z.object({ maxConcurrent: RUNS_MAX_CONCURRENT.optional(), maxQueued: RUNS_MAX_QUEUED.optional() }).strict().optional(),
    theme: Theme.optional(),
    maxRunningLabs: MAX_RUNNING_LABS.optional(),
    newLabResources: NewLabResources.partial().strict().optional(),
    /** Replaces the whole warm-labs setting. */
    warmLabs: WarmLabs.optional(),
    /** null: back to a local engine. */
    engineHost: ENGINE_HOST.nullable().optional(),
    /** Applied in order; the first refused one refuses the whole patch (nothing is saved). */
    trust: z.array(TrustChange).max(64).optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
/** What every view may know of the settings (the theme): settings:appearance and settings:changed. */
export const Appearance = z.object({ theme: Theme });
export type Appearance = z.infer<typeof Appearance>;
/** What a machine reset takes (host:resetPlan, host:reset; `classlab reset --all`). */
export const ResetOptions = z.object({
  /** Also remove the images of this catalog's labs (never ClassLab's own helper images, never an image a container still uses). */
  images: z.boolean(),
  /** Skip the backups of the workspaces: their files are lost. */
  noBackup: z.boolean(),
  /** Keep the saved git sign-ins (tokens) of course and student repositories; by default a reset forgets them. */
  keepSignIns: z.boolean().optional(),
});
export type ResetOptions = z.infer<typeof ResetOptions>;

/** One Docker object a reset (or an orphan removal) removes, or one image it may remove. */
export const ResetObject = z.object({
  kind: z.enum(['container', 'volume', 'network', 'image']),
  name: z.string(),
  labId: z.string().nullable(),
  role: z.string().nullable(),
});
export type ResetObject = z.infer<typeof ResetObject>;

/** The list shown before a machine reset: what will go, and where the backups will be. */
export const ResetPlan = z.object({
  namespace: z.string(),
  options: ResetOptions,
  labs: z.array(
    z.object({
      labId: z.string(),
      title: z.string(),
      phase: LabPhase.nullable(),
      /** The lab has a workspace (a volume) now. */
      workspace: z.boolean(),
      /** Whether its workspace is backed up first, and why not when it is not. */
      backup: z.boolean(),
      noBackupReason: z.string().nullable(),
      /** Not in the catalog: its objects are orphans. */
      orphan: z.boolean(),
    }),
  ),
  objects: z.array(ResetObject),
  /** The folder the backups go to (each lab in its own folder below it). */
  backupsDir: z.string(),
  /** ClassLab's saved state that goes too (per-lab git state, the last opened lab). */
  state: z.array(z.string()),
  /** What stays, in sentences (packs, settings, the admin PIN, backups, images unless asked). */
  keeps: z.array(z.string()),
});
export type ResetPlan = z.infer<typeof ResetPlan>;

export const ResetResult = z.object({
  namespace: z.string(),
  backups: z.array(BackupInfo),
  removed: z.array(ResetObject),
  /** Images that were asked for but stay (in use by a container elsewhere), with why. */
  kept: z.array(ResetObject.extend({ reason: z.string() })),
  /** Objects with this namespace's label still there after the reset: empty when it worked. */
  left: z.array(ResetObject),
  /** How many saved git sign-ins were forgotten (0 when kept). */
  signInsForgotten: z.number().int().min(0),
  tookMs: z.number().int(),
});
export type ResetResult = z.infer<typeof ResetResult>;

/** A step of a machine reset or a lab's deletion (host:progress), for the progress view. */
export const HostProgress = z.object({
  stage: z.enum(['backup', 'remove', 'images', 'state', 'done']),
  /** Which lab or object the step is about, or null. */
  subject: z.string().nullable(),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  message: z.string(),
});
export type HostProgress = z.infer<typeof HostProgress>;
// The profile editor (core/profiles/saved-profiles.ts, core/areas/profiles.ts): labs saved in ClassLab's data folder.
export const PROFILE_ORIGINS = ['bundled', 'installed', 'saved'] as const;
export const ProfileOrigin = z.enum(PROFILE_ORIGINS);
/** A profile as the editor sends it: untrusted, checked by the core with the catalog's own rules. */
export const ProfileDraft = z.record(z.string(), z.unknown()).refine((d) => JSON.stringify(d).length <= 64 * 1024, 'a profile is at most 64 KiB of JSON');
export type ProfileDraft = z.infer<typeof ProfileDraft>;
export const ProfileEntry = z.object({
  id: LAB_ID,
  title: z.string(),
  /** Where the lab comes from: the app's catalog, a lab pack, or the editor. */
  origin: ProfileOrigin,
  /** A saved lab that replaces a bundled or installed lab of the same id (deleting it brings that one back). */
  replaces: z.enum(['bundled', 'installed']).nullable(),
  /** A bundled lab with its own Dockerfile: new labs can be built on it. */
  base: z.boolean(),
  image: z.string(),
});
export type ProfileEntry = z.infer<typeof ProfileEntry>;
export const ProfileList = z.object({
  profiles: z.array(ProfileEntry),
  /** The host folders this computer shares with labs (settings trust.mountFolders): the only course folders a lab may mount. */
  courseFolders: z.array(z.string()),
});
export type ProfileList = z.infer<typeof ProfileList>;
export const ProfileDetails = ProfileEntry.extend({ profile: z.record(z.string(), z.unknown()) });
export type ProfileDetails = z.infer<typeof ProfileDetails>;
export const ProfileCheck = z.object({
  /** Every problem by field (paths as in the profile: resources.memoryMiB, build.packages.2, …); none: it can be saved. */
  problems: z.array(ProfileProblem),
  /** The image the lab will have (a lab built on a base gets its name from its packages and lines). */
  image: z.string().nullable(),
});
export type ProfileCheck = z.infer<typeof ProfileCheck>;
export const ProfileSaveOptions = z.object({ create: z.boolean() });
export const ProfileDeleteResult = z.object({
  labId: LAB_ID,
  /** The verified backup made before the workspace was deleted. */
  backup: BackupInfo.nullable(),
  workspaceDeleted: z.boolean(),
  /** The bundled or installed lab of the same id that is back now. */
  restored: z.enum(['bundled', 'installed']).nullable(),
});
export type ProfileDeleteResult = z.infer<typeof ProfileDeleteResult>;
/** How long a running lab has been idle and why it counts as idle or busy (core/host/idle-rule.ts), for the cap dialog and the lab view. */
export const LabIdle = z.object({
  labId: LAB_ID,
  title: z.string(),
  /** The profile's idleMinutes; 0: this lab is never stopped for being idle. */
  idleMinutes: z.number().int().min(0),
  /** Since when nothing happened in it (ms since epoch), as of the last sample. */
  idleSince: z.number(),
  /** Seconds of nothing so far (0 while busy). */
  idleSeconds: z.number().int().min(0),
  /** What kept it busy at the last sample, in plain words ("a kernel is busy", "CPU 38 %"); empty when idle. */
  busy: z.array(z.string()),
  /** When it will be stopped (ms since epoch) while its warning is shown; null otherwise. */
  stopsAt: z.number().nullable(),
});
export type LabIdle = z.infer<typeof LabIdle>;

/** The lab view's warning before an idle stop (labs:idleWarning): stopsAt null withdraws it. */
export const IdleWarning = z.object({
  labId: LAB_ID,
  stopsAt: z.number().nullable(),
  /** Minutes of nothing so far when the warning was given, and the profile's idleMinutes. */
  idleMinutesSoFar: z.number().int().min(0),
  idleMinutes: z.number().int().min(0),
});
export type IdleWarning = z.infer<typeof IdleWarning>;

/**
 * A lab on a JupyterHub (core/hub): the token owner's default server on a hub this computer uses
 * (`classlab hub add`). Shown beside the local labs, marked as on the server; its notebook is served
 * through ClassLab's hub gate on 127.0.0.1, like a local lab's through its gate.
 */
export const HubLab = z.object({
  /** hub-<10 hex>, from the hub's address: a lab id, so notebook:show takes it as any lab's. */
  id: LAB_ID,
  hubUrl: z.string().max(2048),
  owner: z.string().max(255),
  title: z.string().max(400),
  phase: z.enum(['stopped', 'starting', 'ready', 'stopping', 'error']),
  /** Why, in plain words: the hub's refusal, the culler's stop, a failed spawn. */
  reason: z.string().max(4096).nullable(),
  /** The hub's own progress events while starting (fraction 0..1 where the hub says it). */
  progress: z.object({ fraction: z.number().min(0).max(1).nullable(), message: z.string().max(4096) }).nullable(),
  /** The page through the hub gate, only while ready (never holds the token). */
  notebookUrl: z.string().nullable(),
});
export type HubLab = z.infer<typeof HubLab>;

export const methods = {
  'engine:status': { args: noArgs, result: EngineStatus },
  'labs:list': { args: noArgs, result: Catalog },
  'labs:open': { args: labArg, result: LabView },
  'labs:stop': { args: labArg, result: LabView },
  'labs:reset': { args: labArg, result: LabView },
  'images:prepare': { args: labArg, result: LabView },
  /** The third argument opens a workspace file (a notebook) in the view; null keeps what it shows. */
  'notebook:show': { args: z.tuple([LAB_ID, Rect, WORKSPACE_PATH.nullable()]), result: NotebookPlacement },
  'notebook:hide': { args: noArgs, result: z.null() },
  'terminal:open': { args: z.tuple([LAB_ID, TerminalSize]), result: TerminalInfo },
  'terminal:write': { args: z.tuple([TERMINAL_ID, z.string().max(64 * 1024)]), result: z.null() },
  'terminal:resize': { args: z.tuple([TERMINAL_ID, TerminalSize]), result: z.null() },
  /** The view drew this many more characters of output: lets more flow. */
  'terminal:ack': { args: z.tuple([TERMINAL_ID, z.number().int().min(0).max(1e9)]), result: z.null() },
  'terminal:close': { args: z.tuple([TERMINAL_ID]), result: z.null() },
  /** Runs the sandbox check on one lab, or (null) on every lab whose image is installed. Takes minutes. */
  'audit:run': { args: z.tuple([LAB_ID.nullable()]), result: z.array(AuditReport) },
  // Files: every method works while the lab is stopped too (a helper container serves the workspace).
  'files:list': { args: z.tuple([LAB_ID, WORKSPACE_PATH]), result: FolderListing },
  'files:mkdir': { args: z.tuple([LAB_ID, WORKSPACE_PATH]), result: z.null() },
  /** Rename or move; the destination must not exist. */
  'files:move': { args: z.tuple([LAB_ID, WORKSPACE_PATH, WORKSPACE_PATH]), result: z.null() },
  /** Moves to the workspace's trash (recoverable). */
  'files:trash': { args: z.tuple([LAB_ID, z.array(WORKSPACE_PATH).min(1).max(1000)]), result: z.null() },
  'files:trashList': { args: labArg, result: z.array(TrashEntry) },
  /** Puts a trashed item back where it was (as "name (2)" when that name is taken); returns where. */
  'files:restore': { args: z.tuple([LAB_ID, TrashEntry.shape.id]), result: WORKSPACE_PATH },
  'files:emptyTrash': { args: labArg, result: z.null() },
  'files:uploadPlan': { args: z.tuple([LAB_ID, UploadRequest]), result: UploadPlan },
  'files:uploadCancel': { args: z.tuple([UPLOAD_ID]), result: z.null() },
  'files:downloadLink': { args: z.tuple([LAB_ID, WORKSPACE_PATH]), result: DownloadLink },
  /** Fetches a notebook from an http(s) address into a folder of the workspace. */
  'files:importUrl': { args: z.tuple([LAB_ID, WORKSPACE_PATH, z.string().max(4096)]), result: UrlImport },
  // Git. The lab must be running for anything that reads or writes its files (sync, restore, repo status, commit, push).
  'git:courseStatus': { args: labArg, result: CourseStatus },
  /** Copies the course in (first time) or brings the instructor's new commits in; a snapshot is taken first. */
  'git:sync': { args: labArg, result: CourseSyncResult },
  'git:snapshots': { args: labArg, result: z.array(SnapshotInfo) },
  /** Restores a snapshot as a NEW folder beside the course folder; returns its workspace path. */
  'git:restoreSnapshot': { args: z.tuple([LAB_ID, SNAPSHOT_ID]), result: WORKSPACE_PATH },
  'git:repoStatus': { args: z.tuple([LAB_ID, WORKSPACE_PATH]), result: RepoStatus },
  /** Commits every change in the folder; the author is optional. Returns null as commit when nothing changed. */
  'git:commit': {
    args: z.tuple([LAB_ID, WORKSPACE_PATH, z.string().max(10_000), GitAuthor.nullable()]),
    result: z.object({ commit: z.string().nullable(), files: z.number().int() }),
  },
  'git:push': { args: z.tuple([LAB_ID, WORKSPACE_PATH, GIT_URL]), result: z.object({ commit: z.string() }) },
  /** Saves a token for a remote in the secret store (never in settings, never in a log). */
  'git:setCredentials': { args: z.tuple([GIT_URL, z.string().max(200), z.string().min(1).max(4096)]), result: z.null() },
  'git:forgetCredentials': { args: z.tuple([GIT_URL]), result: z.null() },
  /** This computer's own pack signing key: null until the first export makes it. */
  'packs:signer': { args: noArgs, result: z.object({ fingerprint: SIGNER_FINGERPRINT.nullable() }) },
  /** Writes one pack of these labs (progress: packs:progress); then fetch it with packs:downloadLink. */
  'packs:export': { args: z.tuple([PackExportRequest]), result: PackExport },
  /** Cancels the running export or import; a cancelled export leaves no file, a cancelled import changes nothing. */
  'packs:cancel': { args: noArgs, result: z.null() },
  'packs:downloadLink': { args: z.tuple([EXPORT_ID]), result: DownloadLink },
  /** Where to PUT a pack file from this computer (a drop on the launcher, a picker). */
  'packs:uploadPlan': { args: z.tuple([z.object({ fileName: z.string().min(1).max(255), bytes: z.number().int().min(0) })]), result: PackUploadPlan },
  'packs:inspect': { args: z.tuple([PACK_ID]), result: PackSummary },
  /** Verifies every digest and the signature, then loads. trustSigner: add the pack's signer to this computer's trusted signers first. */
  'packs:import': { args: z.tuple([PACK_ID, z.object({ trustSigner: z.boolean() })]), result: PackImportResult },
  /** Forgets an uploaded pack that will not be imported. */
  'packs:discard': { args: z.tuple([PACK_ID]), result: z.null() },
  // The admin lock's own door: callable while locked (each checks the PIN itself, rate-limited).
  'admin:status': { args: noArgs, result: AdminStatus },
  /** Sets the PIN: [null, new] when none is set yet, [current, new] to change it. Unlocks. */
  'admin:setPin': { args: z.tuple([ADMIN_PIN.nullable(), NEW_ADMIN_PIN]), result: AdminStatus },
  'admin:unlock': { args: z.tuple([ADMIN_PIN]), result: AdminStatus },
  'admin:lock': { args: noArgs, result: AdminStatus },
  /** Runs one program in a fresh sandbox from the lab's image (queued behind a capped pool; runs:queue says where). */
  'runs:run': { args: z.tuple([RunRequest]), result: RunResult },
  /** The quick-run languages a lab's image has (probed once per image); empty while its image is not built. */
  'runs:languages': { args: z.tuple([LAB_ID]), result: z.array(RunLanguage) },
  /** Every lab on this machine with its figures, and ClassLab objects that belong to no profile. */
  'host:status': { args: noArgs, result: HostStatus },
  /** Writes the lab's workspace to <data>/backups/<lab>/ (a .tar.gz and its manifest), then prunes to the retention setting. */
  'host:backup': { args: labArg, result: BackupInfo },
  /** The backups in <data>/backups, newest first. */
  'host:backups': { args: noArgs, result: z.array(BackupInfo) },
  /** Verifies a backup (of lab, by file name), then restores it into a new folder of the lab given (null: its own lab). */
  'host:restore': { args: z.tuple([LAB_ID, BACKUP_FILE, LAB_ID.nullable()]), result: RestoreResult },
  /** Every lab with where it comes from, and the approved course folders. */
  'profiles:list': { args: noArgs, result: ProfileList },
  'profiles:get': { args: labArg, result: ProfileDetails },
  /** The editor's checks as the instructor types: the same rules as the catalog, nothing saved. */
  'profiles:check': { args: z.tuple([ProfileDraft, ProfileSaveOptions]), result: ProfileCheck },
  /** Saves into the data folder (create: a new id; otherwise a change or a saved copy of a bundled lab); the launcher has it at once. */
  'profiles:save': { args: z.tuple([ProfileDraft, ProfileSaveOptions]), result: ProfileDetails },
  /** Saves a copy of a lab under a new id and title. */
  'profiles:duplicate': { args: z.tuple([LAB_ID, LAB_ID, z.string().min(1).max(80)]), result: ProfileDetails },
  /** Deletes a saved lab; its workspace stays unless deleteWorkspace, and then a verified backup is made first. */
  'profiles:delete': { args: z.tuple([LAB_ID, z.object({ deleteWorkspace: z.boolean() })]), result: ProfileDeleteResult },
  /** The exercises installed for a lab on this computer. */
  'exercises:list': { args: labArg, result: z.array(ExerciseSummary) },
  /** One exercise: its statement, starter code and visible tests (never a hidden test). */
  'exercises:get': { args: z.tuple([LAB_ID, EXERCISE_ID]), result: ExerciseView },
  /** Runs the program against every test, each as a quick run; hidden tests say only passed or their verdict. */
  'exercises:check': { args: z.tuple([CheckRequest]), result: CheckResult },
  /** Where to PUT an exercise folder's two files from this computer (admin). */
  'exercises:uploadPlan': { args: z.tuple([ExerciseUploadRequest]), result: ExerciseUploadPlan },
  /** Installs (or replaces) the uploaded exercise, by the same checks as `classlab exercises install` (admin). */
  'exercises:install': { args: z.tuple([EXERCISE_UPLOAD_ID]), result: ExerciseSummary },
  /** Removes an installed exercise (admin). */
  'exercises:remove': { args: z.tuple([LAB_ID, EXERCISE_ID]), result: z.object({ removed: z.boolean() }) },
  /** Grades one submission against the instructor's notebook (admin): each graded cell's points and why. */
  'grading:grade': { args: z.tuple([GradeRequest]), result: GradeResult },
  /** A shell on this computer as the desktop user (admin only); output comes as terminal:data / terminal:exit. */
  'hostTerminal:open': { args: z.tuple([TerminalSize]), result: HostTerminalInfo },
  'hostTerminal:write': { args: z.tuple([TERMINAL_ID, z.string().max(64 * 1024)]), result: z.null() },
  'hostTerminal:resize': { args: z.tuple([TERMINAL_ID, TerminalSize]), result: z.null() },
  'hostTerminal:ack': { args: z.tuple([TERMINAL_ID, z.number().int().min(0).max(1e9)]), result: z.null() },
  'hostTerminal:close': { args: z.tuple([TERMINAL_ID]), result: z.null() },
  /** The machine's settings (admin only). */
  'settings:get': { args: noArgs, result: MachineSettings },
  /** Changes some settings; every change is checked first and a refused one changes nothing. */
  'settings:update': { args: z.tuple([SettingsPatch]), result: MachineSettings },
  /** The theme, for every view (student mode too): read-only. */
  'settings:appearance': { args: noArgs, result: Appearance },
  /** What a machine reset would remove and back up, changing nothing. */
  'host:resetPlan': { args: z.tuple([ResetOptions]), result: ResetPlan },
  /** Backs up every workspace (verified; unless noBackup), then removes every object of this namespace (progress: host:progress). */
  'host:reset': { args: z.tuple([ResetOptions]), result: ResetResult },
  /** Removes the objects that belong to no profile (the overview's orphans). */
  'host:removeOrphans': { args: noArgs, result: z.array(ResetObject) },
  /** Deletes one lab's containers and workspace after a verified backup of it; the lab stays in the catalog. */
  'host:deleteLab': { args: labArg, result: BackupInfo.nullable() },
  /** Someone typed or clicked in the lab's view (throttled by the view), or pressed "Keep working": the lab is not idle. */
  'labs:activity': { args: labArg, result: z.null() },
  /** Every running lab with its idle time and why, longest idle first (the cap dialog; the lab view's warning). */
  'labs:idle': { args: noArgs, result: z.array(LabIdle) },
  /** The labs on the JupyterHubs this computer uses, each with what its hub says now. */
  'hubs:list': { args: noArgs, result: z.array(HubLab) },
  /** Starts the user's server on the hub (progress: hubs:changed) and resolves once it is ready. */
  'hubs:open': { args: labArg, result: HubLab },
  'hubs:stop': { args: labArg, result: HubLab },
} as const;
export type MethodName = keyof typeof methods;
export type MethodArgs<M extends MethodName> = z.infer<(typeof methods)[M]['args']>;
export type MethodResult<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

/** Events pushed from Node to every subscribed view. */
export const events = {
  'engine:changed': EngineStatus,
  'labs:changed': LabView,
  /** A lab left the catalog (its profile was removed): the launcher drops it. Docker keeps its containers and workspace. */
  'labs:removed': z.object({ labId: LAB_ID }),
  'images:progress': ImageProgress,
  /** Only ever delivered to the view that opened the terminal. */
  'terminal:data': TerminalData,
  'terminal:exit': TerminalExit,
  'audit:progress': AuditProgress,
  'git:progress': GitProgress,
  'packs:progress': PackProgress,
  /** The admin area locked (on Lock, or idle) or unlocked, or the PIN was set: every view updates its indicator. */
  'admin:changed': AdminStatus,
  'runs:queue': RunQueueEvent,
  /** The settings changed: what every view may know of them (the theme). */
  'settings:changed': Appearance,
  /** A machine reset's (or a lab deletion's) steps. */
  'host:progress': HostProgress,
  /** A running lab will be stopped for being idle (or no longer will be). */
  'labs:idleWarning': IdleWarning,
  /** A hub lab's phase or start progress changed. */
  'hubs:changed': HubLab,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** What the Node side implements, once, for both transports. */
export type LabService = {
  [M in MethodName]: (...args: MethodArgs<M>) => Promise<MethodResult<M>>;
};

/** The result envelope both transports carry, so errors keep their code across IPC and WebSocket. */
export const Reply = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: ApiError })]);
export type Reply = z.infer<typeof Reply>;

/** The area of a channel: `labs` for `labs:open`. */
export type AreaOf<M extends MethodName> = M extends `${infer A}:${string}` ? A : never;
export type Area = AreaOf<MethodName>;

/** One area of the contract as the UI calls it: `labs:open` becomes `open(...args)` of `labs`. */
export type AreaApi<A extends Area> = {
  [M in MethodName as M extends `${A}:${infer Method}` ? Method : never]: (...args: MethodArgs<M>) => Promise<MethodResult<M>>;
};

/** Every method of `methods`, nested by area: `{ labs: { open(id) }, files: { list(labId, path) }, … }`. */
export type ContractApi = { [A in Area]: AreaApi<A> };

/**
 * The object the renderer talks to (window.classlab): the methods table nested by area, plus the one
 * value that is not a method (files.transferBase) and event subscription.
 */
export type LabApi = Omit<ContractApi, 'files'> & {
  files: AreaApi<'files'> & {
    /** Prefix of upload and download paths: '' over the bridge (same origin), a custom scheme in Electron. */
    transferBase: string;
  };
  /** Subscribe to an event; the returned function unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** `labs:open` as ['labs', 'open']. */
export function channelParts(channel: MethodName): [area: Area, method: string] {
  const colon = channel.indexOf(':');
  return [channel.slice(0, colon) as Area, channel.slice(colon + 1)];
}

/** The areas of the contract, in the order of `methods`. */
export const AREAS: readonly Area[] = [...new Set(METHOD_NAMES.map((channel) => channelParts(channel)[0]))];

/** The exact top-level keys of LabApi (its areas and `on`): the preload contract test checks window.classlab against this. */
export const API_KEYS: ReadonlyArray<keyof LabApi> = [...AREAS, 'on' as const].sort();
