// `classlab`: the same core from a command line, for workshop hosts and scripts.
// Exit codes and --json output are a contract (README "Command line"): change them only with care.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorCode, LabView } from './api/contract';
import { LabError, toApiError } from './api/errors';
import { startBridge } from './bridge/server';
import { createClassLab } from './core/classlab';
import { fileLogger } from './core/log';
import { defaultDataDir } from './core/paths';
import { openNodeSettings } from './core/settings';
import { HOST_USAGE, hostCommand, isHostCommand } from './host-command';
import { PACK_USAGE, packCommand } from './pack-command';
import { RUN_USAGE, runCommand } from './run-command';
import { CHECK_USAGE, checkCommand, exercisesCommand, isExercisesAdmin } from './check-command';
import { GRADE_USAGE, gradeCommand, releaseCommand } from './grade-command';
import { trustCommand } from './trust-command';
import { ENGINE_USAGE, engineCommand } from './engine-command';
import { HUB_TOKEN_VARIABLE, HUB_USAGE, hubCommand } from './hub-command';
import { TEST_IDLE_CLOCK_VARIABLE, testIdleClock } from './core/host/idle-watcher';
import type { ClassLabCore, CoreService } from './core/types';
import { adminCommand, openAdmin, pinSource } from './admin-command';
import { gateAdmin } from './core/admin/admin-gate';
import { NEW_PIN_VARIABLE, noPinSource, PIN_VARIABLE, takeVariable } from './pin-prompt';

export const EXIT: Record<'ok' | 'usage' | ErrorCode, number> = {
  ok: 0,
  INTERNAL: 1,
  usage: 2,
  BAD_REQUEST: 2,
  ENGINE_DOWN: 3,
  LAB_NOT_FOUND: 4,
  PROFILE_INVALID: 4,
  IMAGE_MISSING: 5,
  START_FAILED: 6,
  NOT_READY: 6,
  PORT_BUSY: 6,
  BUILD_FAILED: 7,
  PULL_FAILED: 7,
  BUSY: 8,
  UNAUTHORIZED: 1,
  NOT_SUPPORTED: 1,
  DISCONNECTED: 1,
  PATH_INVALID: 2,
  NOT_FOUND: 4,
  EXISTS: 9,
  DISK_FULL: 9,
  REFUSED: 9,
  CANCELLED: 1,
  // Git has no command here yet; the codes exist for the UI.
  GIT_URL_REFUSED: 2,
  GIT_AUTH_FAILED: 1,
  GIT_NETWORK: 1,
  GIT_REPO_NOT_FOUND: 1,
  GIT_BRANCH_MISSING: 1,
  GIT_PUSH_REJECTED: 1,
  GIT_TIMEOUT: 1,
  GIT_FAILED: 1,
  SECRETS_UNREADABLE: 1,
  PACK_INVALID: 10,
  PACK_UNTRUSTED: 11,
  LOCKED: 12,
  BACKUP_INVALID: 13,
  TOO_MANY_LABS: 14,
};

/** Commands that run admin methods: each asks for the admin PIN first (the lead's `pack …` commands join them). */
const ADMIN_COMMANDS = ['audit', 'build', 'pack', 'grade'];

const USAGE = `Usage: classlab <command> [options]

Commands:
  serve [--port N]        Serve the ClassLab UI to your browser on 127.0.0.1 and print its address
  list [--json]           List the labs and their state
  build LAB [--json]      Build (or pull) the lab's image, with progress
  open LAB [--wait] [--json]
                          Start the lab and wait until its notebook answers; print its address
  stop LAB [--json]       Stop the lab (its files are kept)
  reset LAB [--json]      Remove the lab's container; the workspace and its files are kept
  audit [LAB] [--json]    Attack a throw-away copy of each lab (or LAB) as a student would, and report
                          whether the sandbox held; exits 0 only when every attack was blocked
  trust [--json]          Show what this computer trusts (decided here, never by a lab profile)
  trust mount add|remove FOLDER
                          Host folders whose contents lab profiles may mount (always read-only)
  trust local add|remove ADDRESS
                          Local course and notebook addresses labs may use: file://…, a folder,
                          or http:// on this PC or its network
  trust gvisor skip|require LAB
                          Let LAB run without gVisor where gVisor is installed, or require it again
  trust signer add|remove FINGERPRINT
                          Lab pack signers whose packs this computer imports (for a fleet, set in advance)
  trust unsigned allow|refuse
                          Whether lab packs without any signature may be imported (refused by default)
${ENGINE_USAGE}
${HUB_USAGE}
${PACK_USAGE}
${RUN_USAGE}
${HOST_USAGE}
${CHECK_USAGE}
${GRADE_USAGE}

  admin [status] [--json] Whether an admin PIN is set, and the idle minutes of the admin lock
  admin set-pin           Set or change the admin PIN (asked on the terminal)
  admin forget-pin        Remove the admin PIN (for a forgotten one); the next admin action sets a new one
  admin lock-minutes N    Idle minutes after which the admin area locks again (1-240)
  admin max-labs N        The most labs that may run at once on this computer (1-64, default 4)
  admin warm LAB... [DAYS HH:MM-HH:MM]...
                          Keep these labs warm (started ahead, Open is ready at once), always or in
                          the windows given (e.g. mon-fri 08:55-10:30); admin warm off: none
  admin engine ADDRESS|local
                          The Docker engine of this computer: ssh://user@host[:port] for a remote one
                          (DOCKER_HOST, when set, wins), or local to look for one here again

Admin commands (build, audit, pack, status, stop --all, backup, restore, reset --all, exercises install|remove, grade) ask for the admin PIN on the
terminal, or read it from the
${PIN_VARIABLE} environment variable; never from an argument. Without a PIN set, the first one sets it.

Exit codes: 0 ok, 2 usage, 3 Docker not running, 4 no such lab, 5 image missing,
            6 start failed, 7 build or pull failed, 8 busy, 9 an attack was NOT blocked,
            10 a lab pack is damaged, changed or hostile, 11 a lab pack's signer is not trusted here,
            12 admin PIN needed (locked, wrong PIN, or none given),
            13 a backup does not match its checksum or manifest (nothing restored),
            14 too many labs run (admin max-labs): the message names them,
            20 check: some test of the exercise did not pass,
            21 grade: some submission could not be graded (named on stderr), 1 anything else.`;

interface Parsed {
  command: string | undefined;
  lab: string | undefined;
  /** Positional arguments after the command (`trust mount add FOLDER`). */
  args: string[];
  json: boolean;
  port: number | undefined;
  /** pack export -o FILE */
  output: string | undefined;
  /** pack import --yes */
  yes: boolean;
  /** pack import|verify --trust-signer FINGERPRINT */
  trustSigner: string | undefined;
  /** stop|backup --all, backup --list */
  all: boolean;
  list: boolean;
  /** reset --all: --images (remove the labs' images too), --keep-images (the default, said explicitly), --no-backup, --keep-sign-ins */
  images: boolean;
  keepImages: boolean;
  noBackup: boolean;
  keepSignIns: boolean;
}

export function parseArgs(argv: string[]): Parsed | string {
  const out: Parsed = {
    command: undefined,
    lab: undefined,
    args: [],
    json: false,
    port: undefined,
    output: undefined,
    yes: false,
    trustSigner: undefined,
    all: false,
    list: false,
    images: false,
    keepImages: false,
    noBackup: false,
    keepSignIns: false,
  };
  // `run` parses its own options (run-command.ts).
  if (argv[0] === 'run') return { ...out, command: 'run', args: argv.slice(1), json: argv.includes('--json') };
  // `check` and `exercises` too (check-command.ts).
  if (argv[0] === 'check' || argv[0] === 'exercises') return { ...out, command: argv[0], args: argv.slice(1), json: argv.includes('--json') };
  // `grade` and `release` too (grade-command.ts).
  if (argv[0] === 'grade' || argv[0] === 'release') return { ...out, command: argv[0], args: argv.slice(1), json: argv.includes('--json') };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--wait')
      continue; // open always waits; accepted for scripts that say so
    else if (a === '--port') {
      const v = argv[++i];
      if (!v || !/^\d{1,5}$/.test(v) || Number(v) > 65535) return '--port takes a number from 0 to 65535';
      out.port = Number(v);
    } else if (a === '-o' || a === '--output') {
      const v = argv[++i];
      if (!v) return `${a} takes a file name`;
      out.output = v;
    } else if (a === '--trust-signer') {
      const v = argv[++i];
      if (!v) return '--trust-signer takes a fingerprint (SHA256:…)';
      out.trustSigner = v;
    } else if (a === '--yes' || a === '-y') out.yes = true;
    else if (a === '--all' || a === '--list') out[a === '--all' ? 'all' : 'list'] = true;
    else if (a === '--images') out.images = true;
    else if (a === '--keep-images') out.keepImages = true;
    else if (a === '--no-backup') out.noBackup = true;
    else if (a === '--keep-sign-ins') out.keepSignIns = true;
    else if (a === '-h' || a === '--help') return '';
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else rest.push(a);
  }
  [out.command, out.lab] = rest;
  out.args = rest.slice(1);
  // `admin warm` takes its labs and windows as words (electron/warm-args.ts).
  const most =
    out.command === 'trust' || out.command === 'hub'
      ? 4
      : out.command === 'admin'
        ? rest[1] === 'warm'
          ? 2 + 48
          : 3
        : out.command === 'pack'
          ? 2 + 32
          : out.command === 'restore'
            ? 3
            : 2;
  if (rest.length > most) return `unexpected argument ${rest[most]}`;
  return out;
}

async function main(argv: string[]): Promise<number> {
  // Out of the environment at once: nothing this command starts inherits the PIN.
  const pinFromEnv = takeVariable(PIN_VARIABLE);
  const newPinFromEnv = takeVariable(NEW_PIN_VARIABLE);
  const hubTokenFromEnv = takeVariable(HUB_TOKEN_VARIABLE);
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string' || !parsed.command) {
    const problem = typeof parsed === 'string' ? parsed : '';
    (problem ? process.stderr : process.stdout).write(`${problem ? `classlab: ${problem}\n\n` : ''}${USAGE}\n`);
    return problem || !parsed ? EXIT.usage : EXIT.ok;
  }
  const needsLab = ['build', 'open', 'stop', 'reset'];
  if (
    ![
      'serve',
      'list',
      'audit',
      'trust',
      'engine',
      'hub',
      'admin',
      'pack',
      'run',
      'status',
      'backup',
      'restore',
      'check',
      'exercises',
      'grade',
      'release',
      ...needsLab,
    ].includes(parsed.command)
  ) {
    process.stderr.write(`classlab: unknown command ${parsed.command}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (needsLab.includes(parsed.command) && !parsed.lab && !isHostCommand(parsed)) {
    process.stderr.write(`classlab: ${parsed.command} needs a lab id (see \`classlab list\`)\n`);
    return EXIT.usage;
  }
  const source = pinSource(pinFromEnv);
  const admin = ADMIN_COMMANDS.includes(parsed.command) || isHostCommand(parsed) || isExercisesAdmin(parsed.command, parsed.args);
  // Said before Docker is even looked for: a script without the PIN learns at once how to pass it.
  if (admin && source.fromEnv === undefined && !source.ask) return fail(noPinSource(parsed.command), parsed.json);

  // Release only reads the instructor's file and writes another: no engine, no core.
  const gradeUsage = (why: string): number => {
    process.stderr.write(`classlab: ${why}\n\nUsage:\n${GRADE_USAGE}\n`);
    return EXIT.usage;
  };
  if (parsed.command === 'release') {
    try {
      return await releaseCommand(parsed.args, gradeUsage);
    } catch (err) {
      return fail(err, parsed.json);
    }
  }

  const here = path.dirname(fileURLToPath(import.meta.url));
  const dataDir = defaultDataDir();
  const log = fileLogger(path.join(dataDir, 'logs', 'classlab.log'), process.env.CLASSLAB_DEBUG === '1');
  const settings = await openNodeSettings(dataDir);
  // The machine's trust is the desktop user's own decision: it needs no engine and no core.
  if (parsed.command === 'trust') return trustCommand(settings, parsed.args, parsed.json);
  // Which engine, and trusting a remote one's host key: the desktop user's own known_hosts, no core.
  if (parsed.command === 'engine') return engineCommand(settings, parsed.args);
  // The hubs: machine settings (add, remove: admin) and the user's server on each; no engine, no core.
  if (parsed.command === 'hub') {
    return hubCommand({
      dataDir,
      settings,
      log,
      args: parsed.args,
      json: parsed.json,
      source,
      tokenFromEnv: hubTokenFromEnv,
      fail: (err) => fail(err, parsed.json),
    });
  }
  if (parsed.command === 'admin') {
    return adminCommand({ dataDir, settings, log, args: parsed.args, json: parsed.json, source, newPinFromEnv, fail: (err) => fail(err, parsed.json) });
  }
  const core = await createClassLab({
    settings,
    dataDir,
    log,
    catalogDir: process.env.CLASSLAB_CATALOG ? path.resolve(process.env.CLASSLAB_CATALOG) : path.resolve(here, '..', 'images'),
    // ClassLab's own Dockerfiles (the gate): always the app's, whatever CLASSLAB_CATALOG names.
    imagesDir: path.resolve(here, '..', 'images'),
    namespace: process.env.CLASSLAB_NAMESPACE || undefined,
    idle: testIdleClock(process.env[TEST_IDLE_CLOCK_VARIABLE]),
    // Only the served app keeps warm labs; a one-shot command never starts one.
    warmLabs: parsed.command === 'serve',
  });
  // This command's calls pass the same admin gate as the window's and the bridge's.
  const service = gateAdmin(core.service, core.admin);
  try {
    if (admin) await openAdmin(core.service, parsed.command, source);
    if (parsed.command === 'serve') {
      const bridge = await startBridge({ core, staticDir: path.resolve(here, 'renderer'), port: parsed.port ?? settings.get().bridgePort, log });
      process.stdout.write(
        `ClassLab is ready at ${bridge.url}\nOpen that address in your browser. Press Ctrl+C to stop ClassLab (running labs keep running).\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await bridge.close();
      return EXIT.ok;
    }
    if (parsed.command === 'list') return await list(service, parsed.json);
    if (parsed.command === 'audit') return await audit(core, service, parsed.lab ?? null, parsed.json);
    // The pack commands use the core's packs by file path, after openAdmin above: they are admin commands.
    if (parsed.command === 'pack') return await packCommand(core, parsed.args, parsed);
    if (parsed.command === 'run') return await runCommand(core, parsed.args);
    if (parsed.command === 'check' || parsed.command === 'exercises') {
      const usage = (why: string): number => {
        process.stderr.write(`classlab: ${why}\n\nUsage:\n${CHECK_USAGE}\n`);
        return EXIT.usage;
      };
      const deps = { service, dataDir, log, json: parsed.json, usage };
      return await (parsed.command === 'check' ? checkCommand(deps, parsed.args) : exercisesCommand(deps, parsed.args));
    }
    if (parsed.command === 'grade') return await gradeCommand(service, parsed.args, gradeUsage);
    // The host's commands use the core's host by file path, after openAdmin above: they are admin commands.
    if (isHostCommand(parsed)) return await hostCommand(core, parsed, EXIT);
    return await act(core, service, parsed.command, parsed.lab!, parsed.json);
  } catch (err) {
    return fail(err, parsed.json);
  } finally {
    await core.close();
  }
}

async function list(service: CoreService, json: boolean): Promise<number> {
  const engine = await service['engine:status']();
  if (engine.state !== 'up') throw new LabError('ENGINE_DOWN', `Docker is not running. ${engine.hint ?? ''}`.trim());
  const { labs, problems } = await service['labs:list']();
  if (json) {
    process.stdout.write(`${JSON.stringify({ labs: labs.map(publicLab), problems }, null, 2)}\n`);
  } else {
    const rows = labs.map((l) => [l.id, l.phase, l.title, l.reason ?? '']);
    const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length), c === 0 ? 3 : 5));
    process.stdout.write(`${'LAB'.padEnd(widths[0]!)}  ${'STATE'.padEnd(widths[1]!)}  TITLE\n`);
    for (const r of rows) process.stdout.write(`${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}${r[3] ? ` — ${r[3]}` : ''}\n`);
    for (const p of problems) process.stderr.write(`profile ${p.profile}: ${p.field}: ${p.message}\n`);
  }
  return EXIT.ok;
}

async function act(core: ClassLabCore, s: CoreService, command: string, lab: string, json: boolean): Promise<number> {
  let lastStep = '';
  const off = core.subscribe('images:progress', (p) => {
    if (json || p.labId !== lab) return;
    const line = `${p.fraction !== null ? `${Math.round(p.fraction * 100)}% ` : ''}${p.step ?? ''}`;
    if (line && line !== lastStep) process.stderr.write(`${line}\n`);
    lastStep = line;
  });
  try {
    const view =
      command === 'build'
        ? await s['images:prepare'](lab)
        : command === 'open'
          ? await s['labs:open'](lab)
          : command === 'stop'
            ? await s['labs:stop'](lab)
            : await s['labs:reset'](lab);
    if (json) process.stdout.write(`${JSON.stringify(publicLab(view), null, 2)}\n`);
    else if (command === 'open') process.stdout.write(`${view.title} is ready: ${view.notebookUrl}\n`);
    else process.stdout.write(`${view.title}: ${view.phase}\n`);
    return EXIT.ok;
  } finally {
    off();
  }
}

export const EXIT_NOT_BLOCKED = 9;

async function audit(core: ClassLabCore, service: CoreService, lab: string | null, json: boolean): Promise<number> {
  const off = core.subscribe('audit:progress', (p) => {
    if (json) return;
    if (p.stage === 'starting') process.stderr.write(`${p.labId}: starting a throw-away lab…\n`);
    if (p.stage === 'result' && p.result)
      process.stdout.write(`${p.result.blocked ? 'blocked    ' : 'NOT BLOCKED'}  ${p.result.attack} — ${p.result.evidence}\n`);
  });
  try {
    const reports = await service['audit:run'](lab);
    if (json) {
      process.stdout.write(
        `${JSON.stringify(
          reports.flatMap((r) => r.results.map((x) => ({ lab: r.labId, ...x }))),
          null,
          2,
        )}\n`,
      );
    }
    for (const r of reports) {
      if (r.problem) process.stderr.write(`${r.labId}: not checked: ${r.problem}\n`);
      else if (!json) process.stdout.write(`${r.labId}: ${r.results.filter((x) => x.blocked).length} of ${r.results.length} attacks blocked\n`);
    }
    if (reports.some((r) => r.problem)) return EXIT.IMAGE_MISSING;
    return reports.length > 0 && reports.every((r) => r.allBlocked) ? EXIT.ok : EXIT_NOT_BLOCKED;
  } finally {
    off();
  }
}

/** What --json prints of a lab: the view without build log lines. */
function publicLab(l: LabView) {
  return {
    id: l.id,
    title: l.title,
    phase: l.phase,
    reason: l.reason,
    image: l.image,
    source: l.source,
    notebookUrl: l.notebookUrl,
    resources: l.resources,
    network: l.network,
  };
}

function fail(err: unknown, json: boolean): number {
  const e = toApiError(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: e })}\n`);
  process.stderr.write(`classlab: ${e.message}\n`);
  return EXIT[e.code];
}

// Some waits (a fetch with AbortSignal.timeout, Docker's event stream) hold no reference that keeps Node
// running: without this, a command could end mid-wait with Node's "unsettled top-level await" exit.
const keepAlive = setInterval(() => undefined, 60_000);
main(process.argv.slice(2))
  .finally(() => clearInterval(keepAlive))
  .then(
    (code) => process.exit(code),
    (err: unknown) => process.exit(fail(err, false)),
  );
