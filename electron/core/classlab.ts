// The ClassLab core: wiring only. It builds the areas (the labs and their Lab objects, the reconcile
// with Docker, the live catalog, images, terminals, files, git, the sandbox check) and composes their
// handler groups into the one methods table, `service`. Electron-free: the Electron main process, the
// bridge and the CLI all run this same object. What each part does is said in its own module.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { EventName, EventPayload, LabView, ProfileProblem } from '../api/contract';
import { LabError } from '../api/errors';
import { AdminLock } from './admin/admin-lock';
import { SandboxCheck } from './areas/audit';
import { fileHandlers } from './areas/files';
import { gitHandlers } from './areas/git';
import { labHandlers } from './areas/labs';
import { PACK_TRANSFER_PREFIX, packHandlers, PackTransfers } from './areas/packs';
import { ProfileEditor, profileHandlers } from './areas/profiles';
import { terminalHandlers } from './areas/terminal';
import { closeWhenLocked, hostTerminalHandlers } from './areas/host-terminal';
import { settingsHandlers } from './areas/settings';
import { HostTerminals, type HostTerminalsOptions } from './hostterm/host-terminals';
import { Engine } from './engine/engine';
import { engineCandidates } from './engine/discovery';
import { asLabError } from './engine/failures';
import { LabFiles } from './files/lab-files';
import { Transfers, type TransferRequest, type TransferResponse } from './files/transfers';
import { GitCredentialStore } from './git/credentials';
import { LabGit } from './git/lab-git';
import { HelperImages } from './images/helper-images';
import { Host } from './host/host';
import { hostHandlers } from './host/host-methods';
import { prepareLabImage } from './images/lab-image';
import { LabContainers } from './labs/containers';
import type { LabWorld } from './labs/lab-port';
import { Labs } from './labs/labs';
import { LiveCatalog } from './labs/live-catalog';
import { NAMESPACE_PATTERN } from './labs/naming';
import { notebookAnswers, waitForNotebook } from './labs/readiness';
import { Reconciler } from './labs/reconcile';
import { WarmLabs } from './labs/warm-labs';
import { Runs } from './runs/runs';
import { exerciseHandlers } from './areas/exercises';
import { exerciseAdminHandlers, EXERCISE_TRANSFER_PREFIX, ExerciseUploads } from './areas/exercise-uploads';
import { gradingHandlers } from './areas/grading';
import { ExerciseStore } from './exercises/store';
import type { RunSandboxLimits } from './runs/run-spec';
import { INSTALLED_DIR } from './packs/installed-labs';
import { PackKeys } from './packs/pack-signing';
import { Packs } from './packs/packs';
import { loadLabCatalogs } from './profiles/catalog';
import { SAVED_DIR, SavedProfiles } from './profiles/saved-profiles';
import type { HostPolicy } from './profiles/mount-policy';
import type { Profile } from './profiles/schema';
import { EncryptedFileSecretStore } from './secrets/aes-cipher';
import type { SecretStore } from './secrets/secret-store';
import type { SettingsStore } from './settings';
import { Terminals } from './terminal/terminals';
import { defaultHostFolderContext } from './trust/host-folders';
import type { ClassLabCore, CoreService, Logger } from './types';
import type { ScriptTarget } from './files/workspace-script';
import { CapGate } from './host/idle-cap';
import { idleHandlers } from './host/idle-methods';
import { IdleWatcher, type IdleOptions } from './host/idle-watcher';
import { HubLabs } from './hub/hub-labs';
import { hubHandlers } from './hub/hub-methods';
import { HubStore } from './hub/hub-store';

/**
 * The periodic re-read of every lab (reconcile.ts), a safety net behind Docker's event stream, which
 * carries every change at once. 30 s, not 10 s: each re-read is four requests and one exec per lab, and
 * with thirty idle labs the 10 s period alone cost more than ClassLab's CPU target (idle-30-labs bench).
 */
export const RECONCILE_EVERY_MS = 30_000;

export interface ClassLabOptions {
  settings: SettingsStore;
  /** The folder with catalog.json and the bundled Dockerfile folders (images/). */
  catalogDir: string;
  /**
   * The app's own images folder (its bundled Dockerfiles). ClassLab's helper images are built only from
   * here, never from a catalog's folder, which CLASSLAB_CATALOG (or a lab pack) may supply.
   */
  imagesDir: string;
  dataDir: string;
  log: Logger;
  /** Prefix of every Docker object's name and the `classlab.instance` label. Tests use their own. */
  namespace?: string;
  engine?: Engine;
  /** How often Docker is re-read even without events (events can be missed); default RECONCILE_EVERY_MS. */
  reconcileEveryMs?: number;
  /** Re-read catalog.json when it changes (default true; the catalog can always be reloaded by reloadCatalog()). */
  watchCatalog?: boolean;
  /**
   * Where git tokens are kept: the Electron shell passes the OS's secret storage (openAppSecretStore);
   * without it, an encrypted file with a key file in the data folder (secrets.bin, secrets.key).
   */
  secrets?: SecretStore;
  /** Limits of quick runs other than DEFAULT_RUN_LIMITS (tests: shorter times). */
  runLimits?: Partial<RunSandboxLimits>;
  /** The host terminal's pty and environment (tests: a fake pty, a given environment). */
  hostTerminals?: HostTerminalsOptions;
  /** The idle watcher's clock other than DEFAULT_IDLE_OPTIONS (tests: a short sampling interval and warning). */
  idle?: Partial<IdleOptions>;
  /**
   * Keep the warm labs the settings ask for (labs/warm-labs.ts), and a spare sandbox for the next quick run
   * (runs/run-spares.ts). Only a ClassLab that stays up (the app, `classlab serve`) does: a one-shot CLI
   * command must not start labs or leave containers to remove. Default false.
   */
  warmLabs?: boolean;
  /** How often the warm labs are looked at; default WARM_EVERY_MS (tests: shorter). */
  warmEveryMs?: number;
}

type CoreEvents = { [E in EventName]: [EventPayload<E>] };

export async function createClassLab(opts: ClassLabOptions): Promise<ClassLabCore> {
  const namespace = opts.namespace ?? 'classlab';
  if (!NAMESPACE_PATTERN.test(namespace)) throw new LabError('BAD_REQUEST', `bad namespace ${namespace}`);
  // Profiles are untrusted: their mounts are checked against this machine's own trust, read live.
  const policy: HostPolicy = { trust: () => opts.settings.get().trust, hostFolders: defaultHostFolderContext(opts.dataDir) };
  const catalog = await loadLabCatalogs(opts.catalogDir, path.join(opts.dataDir, INSTALLED_DIR), policy, path.join(opts.dataDir, SAVED_DIR));
  for (const p of catalog.problems) opts.log.warn('profile problem', { ...p });
  const core = new Core(opts, namespace, catalog, opts.engine ?? new Engine(machineEngineCandidates(opts.settings)), policy);
  await core.start();
  return core;
}

/** Where this machine looks for its engine: DOCKER_HOST, else the admin's engineHost, else the usual local places. */
function machineEngineCandidates(settings: SettingsStore) {
  return engineCandidates({ platform: process.platform, env: process.env, home: os.homedir(), configured: settings.get().engineHost });
}

class Core implements ClassLabCore {
  private readonly events = new EventEmitter<CoreEvents>();
  private readonly hostPorts = new Set<number>();
  private readonly terminals = new Terminals({
    data: (terminalId, data) => {
      const labId = this.terminals.find(terminalId)?.labId;
      if (labId) this.idle.terminalActivity(labId);
      this.emit('terminal:data', { terminalId, data });
    },
    exit: (exit) => this.emit('terminal:exit', exit),
  });
  /** Shells on this computer (the admin's host terminal); all closed when the admin area locks. */
  private readonly hostTerminals: HostTerminals;
  private readonly transfers: Transfers;
  private readonly git: LabGit;
  /** ClassLab's gate image, built from the app's own Dockerfile and run by its trusted ID. */
  private readonly helpers: HelperImages;
  private readonly labs: Labs;
  private readonly reconciler: Reconciler;
  private readonly catalog: LiveCatalog;
  private readonly sandboxCheck: SandboxCheck;
  private readonly packTransfers: PackTransfers;
  /** Exercises, on the host only (<data>/exercises): the students' checks, the admin's installs, lab packs. */
  private readonly exercises: ExerciseStore;
  private readonly exerciseUploads: ExerciseUploads;
  /** The labs on JupyterHubs (core/hub): each hub's server and its hub gate. */
  private readonly hubs: HubLabs;
  readonly packs: Packs;
  readonly host: Host;
  readonly admin: AdminLock;
  readonly runs: Runs;
  /** Idle auto-stop (core/host/idle-watcher.ts) and the cap on running labs (idle-cap.ts). */
  readonly idle: IdleWatcher;
  private readonly cap: CapGate;
  /** Warm labs: started sandboxes an Open claims (labs/warm-labs.ts). */
  private readonly warm: WarmLabs;
  /** The engine's memory in MiB, read once per engine connection (for the warm labs' memory rule). */
  private engineMiB: Promise<number> | null = null;
  readonly service: CoreService;

  constructor(
    private readonly opts: ClassLabOptions,
    namespace: string,
    loaded: { profiles: Profile[]; problems: ProfileProblem[] },
    private readonly engine: Engine,
    policy: HostPolicy,
  ) {
    this.events.setMaxListeners(100);
    const docker = () => this.engine.docker();
    const failures = { suspect: () => this.engine.suspect(), log: opts.log };
    this.helpers = new HelperImages(docker, opts.imagesDir, opts.dataDir);
    this.transfers = new Transfers(opts.log);
    this.hostTerminals = new HostTerminals(
      { data: (terminalId, data) => this.emit('terminal:data', { terminalId, data }), exit: (exit) => this.emit('terminal:exit', exit) },
      opts.hostTerminals,
    );
    const lockedCloses = closeWhenLocked(this.hostTerminals);
    this.admin = new AdminLock({
      dataDir: opts.dataDir,
      lockMinutes: () => opts.settings.get().adminLockMinutes,
      changed: (status) => {
        lockedCloses(status);
        this.emit('admin:changed', status);
      },
      log: opts.log,
    });

    // The labs, each behind the narrow port of lab-port.ts: here are the real parts.
    const world: LabWorld = {
      requireEngine: () => void this.engine.docker(),
      gate: this.helpers,
      prepareImage: (profile, job) =>
        prepareLabImage(profile, { docker, catalogDir: opts.catalogDir, profileOf: (id) => this.labs.find(id)?.lab.profile }, job),
      notebook: { answers: (url, token) => notebookAnswers(url, token), waitFor: waitForNotebook },
      now: () => Date.now(),
      asLabError: (err, what, fields) => asLabError(failures, err, what, fields),
      log: opts.log,
      changed: (view: LabView) => {
        this.emit('labs:changed', view);
        // A lab that has just stopped may want its warm lab back.
        if (view.phase === 'stopped' && !view.warm) this.warm?.poke();
      },
      progress: (p) => this.emit('images:progress', p),
      opening: (labId) => opts.settings.update({ lastOpenedLab: labId }),
      // The course: copied in on the first open, synced on every open when the profile asks. In the background.
      opened: (labId) => this.git.afterOpen(labId),
      admit: (labId) => this.cap.admit(labId),
    };
    this.labs = new Labs(
      {
        world,
        containers: (profile) =>
          new LabContainers(docker, profile, namespace, {
            gateImage: () => this.helpers.gateId(),
            policy,
            warming: (labId) => this.warm.warming(labId),
            reach: (port) => this.engine.reach(port),
          }),
        files: (containers) => new LabFiles(docker, containers, opts.log),
        removed: (labId) => this.emit('labs:removed', { labId }),
        log: opts.log,
      },
      loaded,
    );
    this.reconciler = new Reconciler({ engine, labs: this.labs, namespace, log: opts.log, everyMs: opts.reconcileEveryMs ?? RECONCILE_EVERY_MS });
    this.catalog = new LiveCatalog({
      dir: opts.catalogDir,
      installedDir: path.join(opts.dataDir, INSTALLED_DIR),
      savedDir: path.join(opts.dataDir, SAVED_DIR),
      policy,
      labs: this.labs,
      reconcile: (entry) => this.reconciler.reconcile(entry),
      changed: (view) => this.emit('labs:changed', view),
      log: opts.log,
    });

    let secrets: Promise<SecretStore> | null = opts.secrets ? Promise.resolve(opts.secrets) : null;
    const openSecrets = () => (secrets ??= EncryptedFileSecretStore.open(path.join(opts.dataDir, 'secrets.bin'), path.join(opts.dataDir, 'secrets.key')));
    const credentials = new GitCredentialStore(openSecrets);
    const hubStore = new HubStore(opts.settings, openSecrets);
    this.hubs = new HubLabs(hubStore, { log: opts.log, changed: (view) => this.emit('hubs:changed', view) });
    this.git = new LabGit({
      dataDir: opts.dataDir,
      credentials,
      log: opts.log,
      profile: (id) => this.labs.get(id).lab.profile,
      target: (id) => this.gitTarget(id),
      emit: (progress) => this.emit('git:progress', progress),
      trust: policy.trust,
    });
    this.exercises = new ExerciseStore(opts.dataDir, opts.log);
    this.exerciseUploads = new ExerciseUploads(opts.dataDir, this.exercises, opts.log);
    this.packs = new Packs({
      docker,
      dataDir: opts.dataDir,
      keys: new PackKeys(openSecrets),
      settings: opts.settings,
      policy,
      profiles: () => this.labs.all().map((e) => e.lab.profile),
      helpers: this.helpers,
      reloadCatalog: () => this.catalog.reload(),
      exercises: this.exercises,
      bundleCourse: async (profile, outFile, signal) => void (await this.git.exportCourseBundle(profile.id, outFile, signal)),
      progress: (p) => this.emit('packs:progress', p),
      log: opts.log,
    });
    this.packTransfers = new PackTransfers(opts.dataDir, opts.log);
    this.sandboxCheck = new SandboxCheck({
      docker,
      labs: this.labs,
      helpers: this.helpers,
      namespace,
      policy,
      log: opts.log,
      hostPorts: () => [...this.hostPorts],
      reach: (port) => this.engine.reach(port),
      progress: (p) => this.emit('audit:progress', p),
    });

    this.runs = new Runs({
      docker,
      namespace,
      profiles: () => this.labs.all().map((e) => e.lab.profile),
      trust: policy.trust,
      settings: opts.settings,
      log: opts.log,
      queued: (e) => this.emit('runs:queue', e),
      limits: opts.runLimits,
      dataDir: opts.dataDir,
      spares: opts.warmLabs ?? false,
    });
    this.host = new Host({
      docker,
      namespace,
      labs: this.labs,
      dataDir: opts.dataDir,
      settings: opts.settings,
      log: opts.log,
      helperImage: () => this.helpers.gateId().catch(() => null),
      progress: (p) => this.emit('host:progress', p),
      terminals: (labId) => this.terminals.count(labId),
      // Git and hub sign-ins alike: the next group must not find them.
      forgetSignIns: async () => (await credentials.forgetAll()) + (await hubStore.forgetAll()),
      kernels: (entry) => this.idle.runningKernels(entry),
    });
    this.idle = new IdleWatcher({
      docker,
      labs: () => this.labs.all(),
      now: () => Date.now(),
      warning: (w) => this.emit('labs:idleWarning', w),
      log: opts.log,
      options: opts.idle,
    });
    this.cap = new CapGate({
      max: () => opts.settings.get().maxRunningLabs,
      runningIds: () => this.host.runningLabs(),
      idle: () => this.idle.list(),
      title: (labId) => this.labs.find(labId)?.lab.profile.title ?? labId,
      evictWarm: (except) => this.warm.evictOne(except),
    });
    this.warm = new WarmLabs({
      setting: () => opts.settings.get().warmLabs,
      labs: () => this.labs.all(),
      engineUp: () => this.engine.status().state === 'up',
      admit: (labId) => this.cap.admit(labId, { evictWarm: false }),
      memory: async () => {
        const running = new Set(await this.host.runningLabs());
        const runningMiB = this.labs
          .all()
          .filter((e) => running.has(e.lab.profile.id))
          .reduce((sum, e) => sum + e.lab.profile.resources.memoryMiB, 0);
        return { engineMiB: await this.engineMemoryMiB(), runningMiB };
      },
      waitFor: waitForNotebook,
      now: () => new Date(),
      log: opts.log,
      everyMs: opts.warmEveryMs,
    });

    // The one methods table: each area's handler group.
    this.service = {
      // Asking for the status checks now: the engine screen's "Check now" needs no other method.
      'engine:status': () => this.engine.check(),
      ...this.admin.handlers(),
      ...labHandlers(this.labs),
      ...terminalHandlers(this.labs, this.terminals, docker),
      ...this.sandboxCheck.handlers(),
      ...fileHandlers({ labs: this.labs, transfers: this.transfers, policy, requireEngine: () => void this.engine.docker(), asLabError: world.asLabError }),
      ...gitHandlers(this.git, credentials),
      ...hubHandlers(this.hubs),
      ...packHandlers(this.packs, this.packTransfers),
      ...this.runs.handlers(),
      ...hostHandlers(this.host),
      ...profileHandlers(
        new ProfileEditor({
          saved: new SavedProfiles(opts.dataDir),
          catalogDir: opts.catalogDir,
          installedDir: path.join(opts.dataDir, INSTALLED_DIR),
          policy,
          labs: this.labs,
          reload: () => this.catalog.reload(),
          backups: this.host.backups,
          log: opts.log,
        }),
      ),
      ...exerciseHandlers(this.exercises, this.runs, (lab) => void this.labs.get(lab)),
      ...exerciseAdminHandlers(this.exercises, this.exerciseUploads, (lab) => void this.labs.get(lab)),
      ...gradingHandlers(this.runs, () => this.labs.all().map((e) => e.lab.profile.id)),
      ...hostTerminalHandlers(this.hostTerminals),
      ...settingsHandlers({
        settings: opts.settings,
        hostFolders: policy.hostFolders,
        changed: (appearance) => this.emit('settings:changed', appearance),
        lockMinutesChanged: () => void this.admin.status().then((status) => this.emit('admin:changed', status)),
        warmLabsChanged: () => this.warm.poke(),
        engineChanged: () => void this.engine.retarget(machineEngineCandidates(opts.settings)),
      }),
      ...idleHandlers(this.labs, this.idle),
    };
  }

  async start(): Promise<void> {
    this.engine.on('status', (status) => {
      this.emit('engine:changed', status);
      this.reconciler.engineChanged(status);
      this.engineMiB = null;
      if (status.state === 'up') this.warm.poke();
    });
    await this.packTransfers.start();
    await this.exerciseUploads.start();
    await this.engine.check();
    // The first list must show what Docker has, not a guess: wait for the first reconcile.
    await this.reconciler.start();
    if (this.opts.watchCatalog ?? true) this.catalog.watch();
    this.idle.start();
    if (this.opts.warmLabs) this.warm.start();
    // Quick-run containers that a killed ClassLab left behind.
    if (this.engine.status().state === 'up')
      void this.runs.sweep().catch((err: Error) => this.opts.log.warn('run containers not swept', { error: err.message }));
    // Images that lab pack updates replaced while a lab still ran on them.
    if (this.engine.status().state === 'up')
      void this.packs.pruneRetired().catch((err: Error) => this.opts.log.warn('retired images not removed', { error: err.message }));
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const l = listener as (...args: CoreEvents[E]) => void;
    (this.events.on as (e: E, l: (...args: CoreEvents[E]) => void) => void)(event, l);
    return () => (this.events.off as (e: E, l: (...args: CoreEvents[E]) => void) => void)(event, l);
  }

  reloadCatalog() {
    return this.catalog.reload();
  }

  exposeHostPort(port: number): () => void {
    this.hostPorts.add(port);
    return () => this.hostPorts.delete(port);
  }

  stats(): { terminals: number; listeners: number } {
    return {
      terminals: this.terminals.count() + this.hostTerminals.count(),
      listeners: this.events.eventNames().reduce((n, e) => n + this.events.listenerCount(e), 0),
    };
  }

  transfer(req: TransferRequest): Promise<TransferResponse> {
    if (req.pathname.startsWith(PACK_TRANSFER_PREFIX)) return this.packTransfers.handle(req);
    if (req.pathname.startsWith(EXERCISE_TRANSFER_PREFIX)) return this.exerciseUploads.handle(req);
    return this.transfers.handle(req);
  }

  notebookUrl(labId: string): string | null {
    // A hub lab's page is its hub gate's (hub-…): the shells embed it as any lab's.
    return this.labs.find(labId)?.lab.view.notebookUrl ?? this.hubs.notebookUrl(labId);
  }

  async close(): Promise<void> {
    this.admin.close();
    await this.hostTerminals.closeAll('ClassLab is closing.').catch(() => undefined);
    this.idle.close();
    const warmClosed = this.warm.close();
    this.catalog.close();
    this.reconciler.close();
    // Every lab's operation is aborted now (synchronously) and waited for below.
    const labsClosed = this.labs.close();
    await this.sandboxCheck.close(new LabError('BUSY', 'ClassLab is closing.'));
    const runsClosed = this.runs.close();
    // A terminal's shell would outlive ClassLab inside the container: end them (the labs keep running).
    await this.terminals.closeAll().catch(() => undefined);
    this.transfers.close();
    await this.hubs.close();
    await this.packs.close();
    await this.git.close();
    await labsClosed;
    await warmClosed;
    await runsClosed;
    this.engine.close();
    this.events.removeAllListeners();
  }

  private engineMemoryMiB(): Promise<number> {
    this.engineMiB ??= this.engine
      .docker()
      .info()
      .then((info: { MemTotal?: number }) => Math.floor((info.MemTotal ?? 0) / 1024 / 1024));
    this.engineMiB.catch(() => (this.engineMiB = null));
    return this.engineMiB;
  }

  /** Where git reaches a lab's files: the running lab, as its own user. */
  private gitTarget(id: string): ScriptTarget {
    const { lab, containers } = this.labs.get(id);
    if (lab.view.phase !== 'ready') throw new LabError('NOT_READY', `${lab.profile.title} is not running: open it first, then sync or commit.`);
    return { docker: this.engine.docker(), container: containers.names.container, profile: lab.profile };
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    (this.events.emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }
}
