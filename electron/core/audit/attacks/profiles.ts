// Attack 14, a hostile profile: a catalog (CLASSLAB_CATALOG, a lab pack) that tries to weaken the sandbox
// floor, one lab per refused field. It goes through the very loading ClassLab uses (loadCatalog with this
// machine's policy) and, for a folder swapped for a link after loading, the very start (LabContainers).
// Each lab must be refused with its field and reason; a control lab that asks for nothing forbidden must
// load, or the check proves nothing. Everything it makes lives in a temporary folder and the audit's own
// Docker namespace, and is removed.
import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ProfileProblem } from '../../../api/contract';
import { inspectOrNull } from '../../engine/inspect';
import { LabContainers } from '../../labs/containers';
import { loadCatalog, type LoadedCatalog } from '../../profiles/catalog';
import type { HostPolicy } from '../../profiles/mount-policy';
import { GATE_IMAGE } from '../../sandbox/policy';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

interface HostileLab {
  id: string;
  /** The field that must be named in its problem. */
  field: string;
  /** What it tries, for the evidence. */
  tries: string;
  entry: Record<string, unknown>;
}

/** The gid of the host's docker group (from /etc/group, else the socket's group), or null. */
async function dockerGroup(): Promise<number | null> {
  const groups = await readFile('/etc/group', 'utf8').catch(() => '');
  const line = groups.split('\n').find((l) => l.startsWith('docker:'));
  const gid = Number(line?.split(':')[2]);
  if (Number.isInteger(gid)) return gid;
  const sock = await stat('/var/run/docker.sock').catch(() => null);
  return sock ? sock.gid : null;
}

/** A folder of this check's own, with what a hostile catalog would point at inside an approved folder. */
async function makeFolders(policy: HostPolicy): Promise<{ root: string; shared: string; unapproved: string; socket: net.Server }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'classlab-audit-profile-'));
  const shared = path.join(root, 'shared');
  const unapproved = path.join(root, 'unapproved');
  await mkdir(path.join(shared, 'course'), { recursive: true });
  await mkdir(unapproved);
  await writeFile(path.join(shared, 'course', 'lesson.py'), 'print("hello")\n');
  const { home, dataDir } = policy.hostFolders;
  await symlink('/run', path.join(shared, 'run-link'));
  await symlink(dataDir, path.join(shared, 'data-link'));
  await symlink(home, path.join(shared, 'home-link'));
  await symlink(path.join(home, '.ssh'), path.join(shared, 'ssh-link'));
  const socket = net.createServer((c) => c.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.listen(path.join(shared, 'api.sock'), resolve);
  });
  return { root, shared, unapproved, socket };
}

function hostileLabs(base: Record<string, unknown>, f: { shared: string; unapproved: string }, policy: HostPolicy, dockerGid: number | null): HostileLab[] {
  const { home, dataDir } = policy.hostFolders;
  const mount = (id: string, source: string, tries: string, target = '/home/student/course'): HostileLab => ({
    id,
    field: target === '/home/student/course' ? 'mounts.0.source' : 'mounts.0.target',
    tries,
    entry: { ...base, id, title: id, mounts: [{ kind: 'course', source, target }] },
  });
  const field = (id: string, name: string, tries: string, patch: Record<string, unknown>): HostileLab => ({
    id,
    field: name,
    tries,
    entry: { ...base, id, title: id, ...patch },
  });
  return [
    mount('mount-root', '/', 'mount /'),
    mount('mount-home', home, `mount the home folder ${home}`),
    mount('mount-ssh', path.join(home, '.ssh'), 'mount ~/.ssh'),
    mount('mount-data', dataDir, "mount ClassLab's data folder (secrets.key)"),
    mount('mount-var-run', '/var/run', 'mount /var/run'),
    mount('mount-docker-sock', '/var/run/docker.sock', 'mount the Docker socket'),
    mount('mount-socket', path.join(f.shared, 'api.sock'), 'mount a socket inside an approved folder'),
    mount('mount-link-run', path.join(f.shared, 'run-link'), 'a link in an approved folder leading to /run'),
    mount('mount-link-data', path.join(f.shared, 'data-link'), 'a link in an approved folder leading to the data folder'),
    mount('mount-link-home', path.join(f.shared, 'home-link'), 'a link in an approved folder leading to the home folder'),
    mount('mount-link-ssh', path.join(f.shared, 'ssh-link'), 'a link in an approved folder leading to ~/.ssh'),
    mount('mount-dotdot', path.join(f.shared, 'course', '..', '..', 'unapproved'), 'walk out of an approved folder with ..'),
    mount('mount-unapproved', f.unapproved, 'mount a folder this computer did not approve'),
    mount('mount-over-proc', path.join(f.shared, 'course'), 'mount over /proc', '/proc'),
    field('user-root', 'server.user', 'run as 0:0', { server: { user: '0:0' } }),
    field('user-group-root', 'server.user', 'run as 1000:0', { server: { user: '1000:0' } }),
    field('user-docker-group', 'server.user', `run as 1000:${dockerGid ?? 999} (the docker group)`, { server: { user: `1000:${dockerGid ?? 999}` } }),
    field('user-by-uid', 'server.user', 'run as "1000" (Docker adds the image\'s groups)', { server: { user: '1000' } }),
    field('user-system', 'server.user', 'run as a system account 999:999', { server: { user: '999:999' } }),
    field('runtime-runc', 'runtime', 'skip gVisor (runtime runc)', { runtime: 'runc' }),
    field('image-gate', 'image', `build over ${GATE_IMAGE}`, { image: GATE_IMAGE, build: { context: 'gate' } }),
    field('image-hub-gate', 'image', 'pull docker.io/classlab/gate:latest', { image: 'docker.io/classlab/gate:latest', build: undefined }),
    field('image-local-gate', 'image', 'pull localhost/classlab/gate:2', { image: 'localhost/classlab/gate:2', build: undefined }),
    field('image-helper-base', 'image', "build over debian:bookworm-slim (the helpers' base)", { image: 'debian:bookworm-slim', build: { context: 'gate' } }),
  ];
}

/** One result line for a group of hostile labs. */
function judge(attack: string, labs: HostileLab[], loaded: LoadedCatalog, controlLoaded: boolean): AttackResult {
  const lines: string[] = [];
  let allRefused = true;
  for (const lab of labs) {
    const problem: ProfileProblem | undefined = loaded.problems.find((p) => p.profile === lab.id && p.field === lab.field);
    const accepted = loaded.profiles.some((p) => p.id === lab.id);
    if (!problem || accepted) {
      allRefused = false;
      lines.push(
        `${lab.tries}: ACCEPTED${
          accepted
            ? ''
            : ` (refused, but not at ${lab.field}: ${loaded.problems
                .filter((p) => p.profile === lab.id)
                .map((p) => `${p.field} ${p.message}`)
                .join('; ')})`
        }`,
      );
    } else {
      lines.push(`${lab.tries}: refused at ${problem.field}: ${problem.message}`);
    }
  }
  if (!controlLoaded) lines.push('the control profile (an approved course folder) did not load either, so this proves nothing');
  return { attack, blocked: allRefused && controlLoaded, evidence: lines.join(' | ') };
}

async function hostileProfile(ctx: AuditContext): Promise<AttackResult[]> {
  const f = await makeFolders(ctx.policy);
  const base = { image: ctx.profile.image, ...(ctx.profile.build ? { build: ctx.profile.build } : {}), resources: { diskMiB: 32 } };
  // This check's own approval of its own folder, on top of this machine's: never saved.
  const machine = ctx.policy.trust();
  const policy: HostPolicy = { trust: () => ({ ...machine, mountFolders: [...machine.mountFolders, f.shared] }), hostFolders: ctx.policy.hostFolders };
  const controlId = `${ctx.profile.id.slice(0, 30).replace(/-+$/, '')}-hostile`;
  let started: LabContainers | null = null;
  try {
    const labs = hostileLabs(base, f, policy, await dockerGroup());
    const control = {
      ...base,
      id: controlId,
      title: 'Control: an approved course folder',
      mounts: [{ kind: 'course', source: path.join(f.shared, 'course'), target: '/home/student/course' }],
    };
    const catalogDir = path.join(f.root, 'catalog');
    await mkdir(catalogDir);
    await writeFile(path.join(catalogDir, 'catalog.json'), JSON.stringify({ schema: 1, labs: [control, ...labs.map((l) => l.entry)] }));
    const loaded = await loadCatalog(catalogDir, policy);
    const controlProfile = loaded.profiles.find((p) => p.id === controlId);
    const ok = Boolean(controlProfile);
    const group = (prefix: string) => labs.filter((l) => l.id.startsWith(prefix));
    const results = [
      judge(
        '14. Hostile profile: mounts of /, the home folder, ~/.ssh, the data folder, /var/run, sockets, links and .. out, unapproved folders',
        group('mount-'),
        loaded,
        ok,
      ),
      judge('14. Hostile profile: the lab user as root, group 0, the docker group, a bare uid or a system account', group('user-'), loaded, ok),
      judge('14. Hostile profile: skipping gVisor (only this computer may: classlab trust gvisor skip LAB)', group('runtime-'), loaded, ok),
      judge("14. Hostile profile: ClassLab's own image names and their base", group('image-'), loaded, ok),
    ];

    // Loaded with an approved folder, which is then swapped for a link to the data folder: the start must
    // refuse it before any lab container exists.
    const swapAttack = '14. Hostile profile: a folder approved at load, swapped for a link to the data folder before the start';
    if (!controlProfile) {
      results.push({ attack: swapAttack, blocked: false, evidence: 'The control profile did not load, so the swap could not be tried.' });
    } else {
      const course = path.join(f.shared, 'course');
      await rename(course, `${course}.old`);
      await symlink(ctx.policy.hostFolders.dataDir, course);
      started = new LabContainers(() => ctx.docker, controlProfile, ctx.lab.namespace, { gateImage: ctx.gateImage, policy });
      const outcome = await started.start().then(
        () => 'started',
        (err: Error) => err.message,
      );
      const container = await inspectOrNull(ctx.docker, started.names.container);
      const refused = outcome !== 'started' && /cannot be mounted/.test(outcome) && container === null;
      results.push({
        attack: swapAttack,
        blocked: refused,
        evidence: refused
          ? `Refused at start, no container made: ${outcome}`
          : `NOT refused: ${outcome === 'started' ? 'the lab started with the link mounted' : outcome}${container ? ` (container ${started.names.container} exists)` : ''}`,
      });
    }
    return results;
  } finally {
    await started?.removeEverything().catch(() => undefined);
    await new Promise<void>((resolve) => f.socket.close(() => resolve()));
    await rm(f.root, { recursive: true, force: true });
  }
}

export const profileAttacks: AuditAttack[] = [{ id: 'hostile-profile', number: 14, run: hostileProfile }];
