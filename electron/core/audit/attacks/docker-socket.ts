// Attack 8, the Docker socket: can the student reach a container engine's API from inside the lab?
// Looking at the usual paths is not enough: a socket can sit anywhere in a folder the lab mounts (a
// course folder holding /var/run's contents was confirmed). So, as the student, the probe reads
// /proc/self/mountinfo, searches every mounted file system (bounded in time, depth and entries) for Unix
// sockets, and speaks the Docker API to each one it finds (GET /_ping, GET /version). Blocked only when the
// search was complete and no socket answered as Docker (or Podman's Docker-compatible API) does.
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/** Seconds the search may take inside the lab (the exec is time-boxed a little above it). */
const SEARCH_SECONDS = 45;

/**
 * One JSON line per fact: {"mount"}, {"socket", "answer"}, {"incomplete"}, {"entries"}, and {"done"}.
 * Runs as the lab user: a socket the student cannot reach (no permission) is exactly as harmless to it.
 */
export const SOCKET_PROBE = String.raw`
import errno, json, os, socket, stat, sys, time
deadline = time.time() + float(sys.argv[1])
MAX_DEPTH, MAX_ENTRIES = 32, 2000000
SKIP = {'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'securityfs', 'debugfs', 'tracefs', 'bpf', 'pstore', 'configfs', 'fusectl', 'hugetlbfs', 'binfmt_misc', 'autofs', 'nsfs'}
def say(**kw): print(json.dumps(kw), flush=True)
def unescape(p): return p.encode().decode('unicode_escape')
mounts = []
for line in open('/proc/self/mountinfo'):
    left, _, right = line.partition(' - ')
    mounts.append((unescape(left.split()[4]), (right.split() or ['?'])[0]))
points = {m for m, _ in mounts}
entries = 0
found = []
for top, fstype in mounts:
    say(mount=top, fstype=fstype)
    if fstype in SKIP: continue
    stack = [(top, 0)]
    while stack:
        if time.time() > deadline or entries > MAX_ENTRIES:
            say(incomplete=top, why='time or entry bound reached'); stack = []; break
        folder, depth = stack.pop()
        try: it = os.scandir(folder)
        except OSError: continue
        with it:
            for e in it:
                entries += 1
                try: st = e.stat(follow_symlinks=False)
                except OSError: continue
                if stat.S_ISSOCK(st.st_mode): found.append(e.path)
                elif stat.S_ISDIR(st.st_mode) and e.path not in points:
                    if depth + 1 > MAX_DEPTH: say(incomplete=e.path, why='depth bound reached')
                    else: stack.append((e.path, depth + 1))
say(entries=entries)
def ask(path, request):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect(path)
        s.sendall(request)
        data = b''
        while len(data) < 65536:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        return data.decode('latin-1')
    except OSError as e:
        return 'ERROR ' + (errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__)
    finally:
        s.close()
for path in sorted(set(found)):
    ping = ask(path, b'GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n')
    version = ask(path, b'GET /version HTTP/1.0\r\nHost: docker\r\n\r\n') if not ping.startswith('ERROR') else ''
    say(socket=path, ping=ping[:600], version=version[:600])
for name in ('DOCKER_HOST', 'CONTAINER_HOST'):
    if os.environ.get(name): say(env=name)
say(done=True)
`;

interface ProbeLine {
  mount?: string;
  fstype?: string;
  incomplete?: string;
  why?: string;
  entries?: number;
  socket?: string;
  ping?: string;
  version?: string;
  env?: string;
  done?: boolean;
}

/** Pure: does this HTTP answer come from a Docker (or Docker-compatible) API? */
export function answersAsDocker(ping: string, version: string): string | null {
  const ok = (r: string) => /^HTTP\/1\.[01] 200\b/.test(r);
  const apiVersion = /^api-version:\s*(\S+)/im.exec(ping)?.[1];
  if (ok(ping) && (apiVersion || /\r\n\r\nOK\s*$/.test(ping))) return `GET /_ping: 200${apiVersion ? `, Api-Version ${apiVersion}` : ', OK'}`;
  const v = /"ApiVersion"\s*:\s*"([^"]+)"/.exec(version)?.[1];
  if (ok(version) && v) return `GET /version: 200, ApiVersion ${v}`;
  return null;
}

/** Pure: the probe's lines as a result. */
export function judgeSocketProbe(lines: ProbeLine[], exitCode: number | null): AttackResult {
  const attack = '8. No Docker socket anywhere (every mounted file system searched, every socket asked)';
  const mounts = lines.filter((l) => l.mount !== undefined);
  const incomplete = lines.filter((l) => l.incomplete !== undefined);
  const sockets = lines.filter((l) => l.socket !== undefined);
  const env = lines.filter((l) => l.env !== undefined).map((l) => l.env!);
  const entries = lines.find((l) => l.entries !== undefined)?.entries ?? 0;
  const done = lines.some((l) => l.done);
  const docker = sockets.map((s) => ({ path: s.socket!, answer: answersAsDocker(s.ping ?? '', s.version ?? '') })).filter((s) => s.answer);
  const described = sockets.map((s) => {
    const answer = answersAsDocker(s.ping ?? '', s.version ?? '');
    if (answer) return `${s.socket} ANSWERS THE DOCKER API (${answer})`;
    const first = (s.ping ?? '').split('\r\n')[0] || '(no answer)';
    return `${s.socket}: ${first.startsWith('ERROR') ? first.slice(6) : first}, not the Docker API`;
  });
  const searched = `Searched ${mounts.length} mounts (${mounts.map((m) => m.mount).join(', ')}), ${entries} entries`;
  const blocked = done && exitCode === 0 && incomplete.length === 0 && docker.length === 0 && env.length === 0;
  const parts = [
    `${searched}.`,
    sockets.length ? `Sockets: ${described.join('; ')}.` : 'No Unix socket found.',
    ...(env.length ? [`${env.join(', ')} is set in the lab.`] : []),
    ...(incomplete.length ? [`Search incomplete: ${incomplete.map((i) => `${i.incomplete} (${i.why})`).join(', ')}.`] : []),
    ...(!done ? [`The probe did not finish (exit ${exitCode ?? 'none'}).`] : []),
    ...(blocked ? ['No socket answered as a Docker engine.'] : []),
  ];
  return { attack, blocked, evidence: parts.join(' ') };
}

export async function dockerSocket(ctx: AuditContext): Promise<AttackResult[]> {
  const run = await ctx.lab.exec(['python3', '-c', SOCKET_PROBE, String(SEARCH_SECONDS)], { timeoutSeconds: SEARCH_SECONDS + 30, maxOutput: 512 * 1024 });
  const lines = run.out
    .split('\n')
    .map((l) => {
      try {
        return JSON.parse(l) as ProbeLine;
      } catch {
        return null;
      }
    })
    .filter((l): l is ProbeLine => l !== null && typeof l === 'object');
  return [judgeSocketProbe(lines, run.code)];
}

export const dockerSocketAttack: AuditAttack = { id: 'docker-socket', number: 8, run: dockerSocket };
