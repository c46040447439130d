// Attack 20: a server the student starts in the lab. The labs built on the python lab bring runtimes that
// serve on a port in a line (node's http, Java's com.sun.net.httpserver, R's httpuv, python -m http.server):
// a student's server — or a planted one — bound to every address must stay reachable only inside the lab:
// no port published by the engine, no address this computer or another lab can reach it on.
import type Docker from 'dockerode';
import { HostListeners } from '../listeners';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

const PORT = 8765;

/** The listening TCP sockets of /proc/net/tcp or tcp6 text, as "address:port" (state 0A is LISTEN). */
export function listeningSockets(procNetTcp: string): string[] {
  const out: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== '0A') continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    if (!addrHex || !portHex) continue;
    const port = parseInt(portHex, 16);
    out.push(`${addrHex.length === 8 ? ipv4(addrHex) : ipv6(addrHex)}:${port}`);
  }
  return out;
}

function ipv4(hex: string): string {
  // The kernel prints the address in host byte order (little-endian on x86_64 and aarch64).
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return '[::]';
  if (hex === '00000000000000000000000001000000') return '[::1]';
  return `[${hex.toLowerCase()}]`;
}

/** Ports the engine publishes for the container on this computer (none in a ClassLab lab). */
export function publishedPorts(info: Pick<Docker.ContainerInspectInfo, 'HostConfig' | 'NetworkSettings'>): string[] {
  const published: string[] = [];
  for (const [port, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) published.push(`${port} -> ${b.HostIp || '0.0.0.0'}:${b.HostPort}`);
  }
  for (const [port, bindings] of Object.entries(info.HostConfig?.PortBindings ?? {})) {
    for (const b of (bindings as { HostIp?: string; HostPort?: string }[] | null) ?? [])
      published.push(`${port} bound to ${b.HostIp || '0.0.0.0'}:${b.HostPort ?? ''}`);
  }
  if (info.HostConfig?.PublishAllPorts) published.push('PublishAllPorts');
  return published;
}

/** Starts servers on every address with the runtimes the lab has, for 60 s; prints which ones started. */
const START = `
cd /tmp
timeout -s KILL 60 python3 -m http.server ${PORT} --bind 0.0.0.0 >/dev/null 2>&1 &
started=python
if command -v node >/dev/null; then
  timeout -s KILL 60 node -e "require('http').createServer((q,s)=>s.end('lab')).listen(${PORT + 1},'::')" >/dev/null 2>&1 &
  started="$started node"
fi
echo "$started"
`;

/** Waits up to 10 s for each port to answer inside the lab (the control: the servers really run). */
const CONTROL = (ports: number[]) => `
import socket, time
for port in ${JSON.stringify(ports)}:
    ok = False
    for _ in range(50):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close(); ok = True; break
        except OSError:
            time.sleep(0.2)
    print(port, 'answers' if ok else 'silent')
`;

async function labServers(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, neighbour } = ctx;
  const attack = '20. A server the student starts in the lab, on every address (python, and node where the lab has it)';
  const started = (await lab.sh(START, { timeoutSeconds: 10 })).out.trim().split(/\s+/);
  const ports = started.includes('node') ? [PORT, PORT + 1] : [PORT];
  const control = (await lab.py(CONTROL(ports), { timeoutSeconds: 30 })).out.trim();
  const listening = (await lab.sh('cat /proc/net/tcp /proc/net/tcp6 2>/dev/null', { timeoutSeconds: 10 })).out;
  const sockets = [...new Set(listening.split(/\n(?=\s*sl\s)/).flatMap(listeningSockets))];
  const info = await lab.inspect();
  const problems: string[] = [];
  if (!info) problems.push('the lab could not be inspected');
  const published = info ? publishedPorts(info) : [];
  if (published.length > 0) problems.push(`the engine publishes ${published.join(', ')}`);
  const ip = await lab.ip();
  const reached: string[] = [];
  if (ip) {
    for (const port of ports) {
      if (await HostListeners.reachableFromHost(ip, port)) reached.push(`this computer reached ${ip}:${port}`);
      const fromNeighbour = await neighbour.py(
        `import socket\ntry:\n    socket.create_connection(('${ip}', ${port}), timeout=2).close(); print('reached')\nexcept OSError as e:\n    print('refused', e)`,
        { timeoutSeconds: 10 },
      );
      if (fromNeighbour.out.includes('reached')) reached.push(`another lab reached ${ip}:${port}`);
    }
  }
  problems.push(...reached);
  // Not tried is not blocked: the servers must have answered inside the lab.
  if (!control.split('\n').every((l) => l.endsWith('answers')))
    problems.push(`control failed: the servers did not answer inside the lab (${control || 'no output'})`);
  await lab.sh(`pkill -KILL -f "http.server ${PORT}" ; pkill -KILL -f "listen\\(${PORT + 1}" ; true`, { timeoutSeconds: 10 });
  const evidence = [
    `started: ${started.join(', ')}; inside the lab: ${control.replace(/\n/g, ', ')}`,
    `listening in the lab: ${sockets.join(', ') || 'none'}`,
    `ports the engine publishes: ${published.join(', ') || 'none'}`,
    ip
      ? `the lab's address ${ip}: ${reached.length ? reached.join('; ') : 'not reached from this computer nor from another lab'}`
      : 'the lab has no address but loopback: nothing outside it can reach these ports',
  ].join('; ');
  return [{ attack, blocked: problems.length === 0, evidence: problems.length ? `NOT BLOCKED: ${problems.join('; ')}. ${evidence}` : evidence }];
}

export const labServerAttacks: AuditAttack[] = [{ id: 'lab-servers', number: 20, run: labServers }];
