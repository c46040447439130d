// Attack 7: the network. Probes only listeners the audit itself started: on this computer (127.0.0.1 and
// the Docker bridges' host addresses), in the neighbour lab, and the labs' own gate ports. No packet is
// sent to a public or LAN address.
import type Docker from 'dockerode';
import { HostListeners } from '../listeners';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

/** Python run in the lab: try each host:port with a short timeout; print one line per target. */
const PROBE = `
import socket, sys
for target in sys.argv[1:]:
    host, port = target.rsplit(':', 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, int(port)))
        print(target, 'REACHED')
    except Exception as e:
        print(target, 'refused:', type(e).__name__, e)
    finally:
        s.close()
`;

/** The host-side addresses of the Docker bridges the labs use (gateways), found from the engine. */
async function bridgeGateways(docker: Docker, networks: string[]): Promise<{ ip: string; label: string }[]> {
  const out: { ip: string; label: string }[] = [];
  for (const name of networks) {
    try {
      const n = (await docker.getNetwork(name).inspect()) as { IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] }; Options?: Record<string, string> };
      for (const c of n.IPAM?.Config ?? []) {
        // The default bridge often lists only its subnet: its gateway is then the subnet's first address.
        const gw = c.Gateway ?? firstAddress(c.Subnet);
        if (gw && /^\d+\.\d+\.\d+\.\d+$/.test(gw)) out.push({ ip: gw, label: `the host on Docker network "${name}"` });
      }
    } catch {
      // not there
    }
  }
  return out;
}

async function network(ctx: AuditContext): Promise<AttackResult[]> {
  const { lab, neighbour, profile, listeners } = ctx;
  const results: AttackResult[] = [];

  if (profile.network === 'none') {
    const ifs = await lab.sh(
      'ls /sys/class/net; echo ---; tail -n +2 /proc/net/route; echo ---; tail -n +2 /proc/net/ipv6_route 2>/dev/null | grep -v " lo$" || true',
      { timeoutSeconds: 10 },
    );
    const [ifaces = '', routes = '', routes6 = ''] = ifs.out.split('---').map((s) => s.trim());
    const names = ifaces.split(/\s+/).filter(Boolean);
    results.push({
      attack: '7. Network: no interface but loopback',
      blocked: names.length === 1 && names[0] === 'lo',
      evidence: `Interfaces in the lab: ${names.join(', ') || 'none'}.`,
    });
    results.push({
      attack: '7. Network: no route',
      blocked: routes === '' && routes6 === '',
      evidence: routes === '' && routes6 === '' ? 'The routing tables (IPv4, IPv6) are empty.' : `Routes: ${routes} ${routes6}`.trim(),
    });
    const dns = await lab.py(
      "import socket\ntry:\n    print('ANSWER', socket.getaddrinfo('classlab-audit.example', 80))\nexcept Exception as e:\n    print('no answer:', type(e).__name__, e)",
      { timeoutSeconds: 15 },
    );
    results.push({
      attack: '7. Network: no DNS answer',
      blocked: !dns.out.includes('ANSWER') && dns.code === 0,
      evidence: `Name lookup from the lab: ${dns.out.trim()}`,
    });
  }

  // Targets: this computer's listeners, ClassLab's own ports, the neighbour lab.
  const targets: { target: string; label: string }[] = [];
  for (const l of listeners.listening) targets.push({ target: `${l.host}:${l.port}`, label: l.label });
  for (const port of ctx.hostPorts) targets.push({ target: `127.0.0.1:${port}`, label: "ClassLab's own port on this computer" });
  targets.push({ target: `127.0.0.1:${lab.port}`, label: "this lab's gate port on this computer" });
  targets.push({ target: `127.0.0.1:${neighbour.port}`, label: "another lab's gate port on this computer" });
  const neighbourIp = await neighbour.ip();
  if (neighbourIp) targets.push({ target: `${neighbourIp}:8000`, label: 'another lab (its listener)' });
  // Controls: every target must answer from the host side (or the neighbour itself), or the probe proves nothing.
  const controls: string[] = [];
  for (const t of targets) {
    const [host, port] = [t.target.slice(0, t.target.lastIndexOf(':')), Number(t.target.slice(t.target.lastIndexOf(':') + 1))];
    const fromHost = t.label.startsWith('another lab (') ? null : await HostListeners.reachableFromHost(host, port);
    if (fromHost === false) controls.push(`${t.target} (${t.label}) did not answer even from the host`);
  }
  // The neighbour's listener must answer inside the neighbour itself, or "unreachable" proves nothing.
  const neighbourSelf = neighbourIp ? await neighbour.exec(['python3', '-c', PROBE, `${neighbourIp}:8000`], { timeoutSeconds: 15 }) : null;
  if (neighbourSelf && !neighbourSelf.out.includes('REACHED'))
    controls.push(`the other lab's listener did not answer even inside that lab (${neighbourSelf.out.trim()})`);
  const probe = await lab.exec(['python3', '-c', PROBE, ...targets.map((t) => t.target)], { timeoutSeconds: 60 });
  const lines = probe.out.split('\n').filter(Boolean);
  const describe = (l: string) => {
    const target = l.split(' ')[0] ?? '';
    return `${target} (${targets.find((t) => t.target === target)?.label ?? '?'}): ${l.slice(target.length + 1)}`;
  };
  const hostTargets = lines.filter((l) => !l.startsWith(`${neighbourIp}:`));
  const labTargets = lines.filter((l) => neighbourIp && l.startsWith(`${neighbourIp}:`));
  const unavailable = listeners.unavailable.map((u) => `${u.host} (${u.label}): not an address of this computer (${u.reason}), not probed`);
  results.push({
    attack: "7. Network: this computer's ports and ClassLab's ports",
    blocked:
      probe.code === 0 &&
      hostTargets.length > 0 &&
      !hostTargets.some((l) => l.includes('REACHED')) &&
      controls.filter((c) => !c.includes('other lab')).length === 0,
    evidence: [...hostTargets.map(describe), ...unavailable, ...controls].join('; ') || probe.out.slice(0, 300),
  });
  const neighbourGate = lines.find((l) => l.startsWith(`127.0.0.1:${neighbour.port} `)) ?? '';
  results.push({
    attack: '7. Network: other labs',
    blocked:
      probe.code === 0 &&
      labTargets.length > 0 &&
      !labTargets.some((l) => l.includes('REACHED')) &&
      neighbourGate !== '' &&
      !neighbourGate.includes('REACHED') &&
      !controls.some((c) => c.includes('other lab')),
    evidence: [
      ...labTargets.map(describe),
      neighbourGate ? describe(neighbourGate) : "another lab's gate: not probed",
      ...controls.filter((c) => c.includes('other lab')),
    ].join('; '),
  });
  return results;
}

export const networkAttacks: AuditAttack[] = [{ id: 'network', number: 7, run: network }];

function firstAddress(subnet: string | undefined): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet ?? '');
  if (!m) return null;
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const first = ((n & mask) + 1) >>> 0;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.');
}

export { bridgeGateways, firstAddress };
