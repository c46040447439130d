// The firewall of a lab allowed on the internet. Its per-lab bridge network keeps other labs away, but
// the host's own services (on the Docker bridges' gateways, the host's LAN and public addresses) and the
// whole LAN would still answer. So, at every start of such a lab, a short-lived helper container joins
// the network namespace of the lab's network holder (network-holder.ts; NetworkMode container:<holder>)
// *before the lab container starts*, and loads the rules below into it with iptables-restore (atomic: all
// rules or none). The helper runs as root with NET_ADMIN only (measured: iptables-nft needs nothing
// else; iptables-legacy cannot even take its lock on a read-only root), runs one fixed script and no
// student code, and is removed at once; no lab process exists yet while it runs. The lab user has no
// capabilities, so it cannot read or change these rules. When anything goes wrong, the caller stops the
// holder and does not start the lab (fail closed).
//
// Why NET_ADMIN cannot be avoided (CIS 5.4 warns on it): netfilter rules, routes and every other filter
// of a network namespace can only be changed with CAP_NET_ADMIN in the user namespace that owns it, and
// Docker makes container namespaces in the host's. Docker itself offers no per-network egress filter
// (only `--internal`, which takes the internet away), sysctls cannot filter by address, seccomp cannot
// look at connect()'s address, and a filtering proxy would only serve programs that use a proxy. So the
// capability stays, in the narrowest place: a one-shot container of one fixed script, seconds long.
//
// The rules (OUTPUT of the lab's namespace; the default stays ACCEPT, so the public internet works):
//   1. loopback is allowed (the lab's own servers, and Docker's embedded DNS on 127.0.0.11, which
//      lives on lo);
//   2. DNS (53/udp, 53/tcp) from uid 0 is allowed: that is Docker's embedded DNS forwarding the lab's
//      lookups to the host's resolvers from inside this namespace (dockerd, root), and those resolvers
//      are often private addresses (a home router, 10.255.255.53 here). The lab user is uid 1000 and
//      cannot become root (no-new-privileges, no capabilities), so this opens nothing to the student;
//   3. REJECT to every private, shared, link-local, multicast, reserved and "this network" range, and
//      explicitly to the Docker gateways and the host's own addresses (which may be public).
// There is deliberately no "ESTABLISHED,RELATED ACCEPT" before the REJECTs: with a default of ACCEPT it
// would let nothing more through to the internet, and it would keep a connection to a private address
// open if one was made in the moment before the rules were loaded.
import type Docker from 'dockerode';
import net from 'node:net';
import os from 'node:os';
import { LabError } from '../../api/errors';
import { LABEL, labLabels, labNames } from '../labs/naming';
import type { Profile } from '../profiles/schema';
import { CAPPED_LOGS, GATE_IMAGE, gateNetworkName } from './policy';
import { FLOOR_ULIMITS, ONE_SHOT_HEALTH } from './container-floor';
import { demuxText } from '../engine/exec';
import { LOCAL_V4, LOCAL_V6 } from '../net/address-ranges';

/** The ranges no internet lab may reach (one list with ClassLab's own fetches for a lab). */
export const BLOCKED_V4 = LOCAL_V4;
export const BLOCKED_V6 = LOCAL_V6;

export interface FirewallInput {
  /** Addresses of the host as seen from the lab: the Docker networks' gateways, the host's own addresses. */
  hostAddresses: string[];
}

export interface FirewallRules {
  /** iptables rule specifications (after `-A`), in order. */
  v4: string[];
  v6: string[];
}

/** The rule list, pure: the fixed ranges, then each host address not already inside one of them. */
export function firewallRules({ hostAddresses }: FirewallInput): FirewallRules {
  const v4Hosts = unique(hostAddresses.filter((a) => net.isIPv4(a)));
  const v6Hosts = unique(hostAddresses.filter((a) => net.isIPv6(a)).map((a) => a.toLowerCase()));
  const allow = [
    'OUTPUT -o lo -j ACCEPT',
    'OUTPUT -p udp --dport 53 -m owner --uid-owner 0 -j ACCEPT',
    'OUTPUT -p tcp --dport 53 -m owner --uid-owner 0 -j ACCEPT',
  ];
  // TCP is refused with a reset, everything else with ICMP "port unreachable". Measured: an ICMP error
  // made in the lab's own OUTPUT chain reaches a blocking connect() while it holds its socket, so the
  // kernel keeps it as a soft error and the connect fails only after the SYN's first retransmit (1 s);
  // a reset is queued and read at once ("Connection refused" in milliseconds).
  const reject = (dest: string, icmp: string) => [
    `OUTPUT -d ${dest} -p tcp -j REJECT --reject-with tcp-reset`,
    `OUTPUT -d ${dest} -j REJECT --reject-with ${icmp}`,
  ];
  const v4 = (dest: string) => reject(dest, 'icmp-port-unreachable');
  const v6 = (dest: string) => reject(dest, 'icmp6-port-unreachable');
  return {
    v4: [...allow, ...v4Hosts.filter((a) => !BLOCKED_V4.some((r) => inV4Range(a, r))).flatMap((a) => v4(`${a}/32`)), ...BLOCKED_V4.flatMap(v4)],
    v6: [...allow, ...v6Hosts.filter((a) => a !== '::1' && !/^(f[cd]|fe[89ab]|ff)/.test(a)).flatMap((a) => v6(`${a}/128`)), ...BLOCKED_V6.flatMap(v6)],
  };
}

/** iptables-restore input: replaces the filter table of the lab's namespace as one transaction. */
export function restoreInput(rules: string[]): string {
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules.map((r) => `-A ${r}`), 'COMMIT', ''].join('\n');
}

const OK_MARKER = 'classlab-firewall: rules loaded';

/**
 * The helper's one fixed script. The rules come from ClassLab (never from the lab) by environment; the
 * script loads them atomically, prints the resulting OUTPUT chains (checked by the caller) and a marker.
 */
export const FIREWALL_SCRIPT = [
  'set -eu',
  'printf "%s" "$CLASSLAB_RULES_V4" | iptables-nft-restore',
  'printf "%s" "$CLASSLAB_RULES_V6" | ip6tables-nft-restore',
  'echo "--- v4"; iptables-nft -S OUTPUT',
  'echo "--- v6"; ip6tables-nft -S OUTPUT',
  `echo "${OK_MARKER}"`,
].join('\n');

const MiB = 1024 * 1024;

export function firewallHelperName(namespace: string, profile: Profile): string {
  return `${labNames(namespace, profile.id).container}-firewall`;
}

/**
 * The helper container: root with NET_ADMIN only, in the namespace of `networkContainer` (the lab's
 * network holder), read-only, one fixed script. `image` is the gate image's trusted ID
 * (images/helper-images.ts), never its tag.
 */
export function firewallHelperSpec(opts: {
  networkContainer: string;
  profile: Profile;
  namespace: string;
  rules: FirewallRules;
  image: string;
}): Docker.ContainerCreateOptions {
  return {
    name: firewallHelperName(opts.namespace, opts.profile),
    Image: opts.image,
    User: '0:0',
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: [FIREWALL_SCRIPT],
    Env: [`CLASSLAB_RULES_V4=${restoreInput(opts.rules.v4)}`, `CLASSLAB_RULES_V6=${restoreInput(opts.rules.v6)}`],
    Labels: { ...labLabels(opts.namespace, opts.profile, 'gate'), [LABEL.role]: 'firewall' },
    Healthcheck: ONE_SHOT_HEALTH,
    HostConfig: {
      NetworkMode: `container:${opts.networkContainer}`,
      CapDrop: ['ALL'],
      CapAdd: ['NET_ADMIN'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      PidsLimit: 32,
      Memory: 64 * MiB,
      MemorySwap: 64 * MiB,
      NanoCpus: 0.5e9,
      Ulimits: FLOOR_ULIMITS,
      LogConfig: CAPPED_LOGS,
      RestartPolicy: { Name: 'no' },
    },
  };
}

/**
 * What the host is called from inside a lab: the gateways of its network, of the gates' network and of
 * Docker's default bridge, and this computer's own addresses.
 */
export async function hostAddresses(docker: Docker, networkName: string, namespace: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of [networkName, gateNetworkName(namespace), 'bridge']) {
    try {
      const n = (await docker.getNetwork(name).inspect()) as { IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] } };
      for (const c of n.IPAM?.Config ?? []) {
        const gw = c.Gateway ?? firstAddress(c.Subnet);
        if (gw) out.push(gw);
      }
    } catch {
      // a network that is not there has no gateway to block
    }
  }
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal) out.push(i.address.split('%')[0] ?? '');
  }
  return out.filter((a) => net.isIP(a) !== 0);
}

/**
 * Loads the firewall into the network namespace of `networkContainer` (a running holder), time-boxed, and
 * removes the helper afterwards. Throws a LabError('START_FAILED') in plain words when the rules are not
 * in place; the caller must then not start the lab.
 */
export async function applyLabFirewall(
  docker: Docker,
  networkContainer: string,
  profile: Profile,
  namespace: string,
  image: string,
  timeoutMs = 30_000,
): Promise<void> {
  const rules = firewallRules({ hostAddresses: await hostAddresses(docker, labNames(namespace, profile.id).network, namespace) });
  const name = firewallHelperName(namespace, profile);
  await removeQuietly(docker, name);
  let output = '';
  try {
    const helper = await docker.createContainer(firewallHelperSpec({ networkContainer, profile, namespace, rules, image }));
    await helper.start();
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      helper.wait() as Promise<{ StatusCode: number }>,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    output = await logsOf(helper);
    if (result === 'timeout') throw new Error(`the firewall helper did not finish within ${Math.round(timeoutMs / 1000)} s`);
    if (result.StatusCode !== 0 || !output.includes(OK_MARKER)) throw new Error(`the firewall helper failed (exit code ${result.StatusCode})`);
    const v4 = section(output, 'v4');
    const v6 = section(output, 'v6');
    const rejects4 = v4.filter((l) => l.includes('-j REJECT')).length;
    const rejects6 = v6.filter((l) => l.includes('-j REJECT')).length;
    const want4 = rules.v4.filter((r) => r.includes('-j REJECT')).length;
    const want6 = rules.v6.filter((r) => r.includes('-j REJECT')).length;
    if (rejects4 !== want4 || rejects6 !== want6) throw new Error(`the rules read back do not match (IPv4 ${rejects4}/${want4}, IPv6 ${rejects6}/${want6})`);
  } catch (err) {
    const detail = (err as Error).message;
    const outdatedImage = /iptables[^\n]*not found/i.test(output);
    const hint = outdatedImage ? ` ClassLab's gate image (${GATE_IMAGE}) has no iptables: install the lab's image again (classlab build ${profile.id}).` : '';
    const tail = output.trim().split('\n').slice(-3).join(' | ');
    throw new LabError(
      'START_FAILED',
      `${profile.title} is allowed on the internet, but its firewall (which keeps it away from this computer's services and the local network) could not be set up, so the lab was not started: ${detail}.${hint}${tail && !hint ? ` Helper said: ${tail}` : ''}`,
    );
  } finally {
    await removeQuietly(docker, name);
  }
}

function section(output: string, which: 'v4' | 'v6'): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(`--- ${which}`);
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('--- ') || l === OK_MARKER);
  return end < 0 ? rest : rest.slice(0, end);
}

async function logsOf(container: Docker.Container): Promise<string> {
  try {
    const buf = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return demuxText(buf);
  } catch {
    return '';
  }
}

async function removeQuietly(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getContainer(name).remove({ force: true });
  } catch {
    // not there
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

export function inV4Range(ip: string, cidr: string): boolean {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

function firstAddress(subnet: string | undefined): string | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(subnet ?? '');
  if (!m) return null;
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const first = (((toInt(m[1] ?? '') & mask) >>> 0) + 1) >>> 0;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.');
}
