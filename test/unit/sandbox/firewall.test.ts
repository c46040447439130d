// The firewall of an internet lab, as data: which ranges are refused, what stays open, and the helper
// container that loads the rules (root with NET_ADMIN only, in the lab's namespace, one fixed script).
import { describe, expect, it } from 'vitest';
import { Profile } from '../../../electron/core/profiles/schema';
import { BLOCKED_V4, BLOCKED_V6, FIREWALL_SCRIPT, firewallHelperSpec, firewallRules, inV4Range, restoreInput } from '../../../electron/core/sandbox/firewall';
import { GATE_IMAGE } from '../../../electron/core/sandbox/policy';

const profile = Profile.parse({ id: 'web', title: 'Web', image: 'classlab/python:3', network: 'internet' });

describe('firewall rules', () => {
  const rules = firewallRules({ hostAddresses: ['172.17.0.1', '172.18.0.1', '203.0.113.7', '192.168.1.20', '2001:db8::5', 'fe80::1', 'not-an-ip', '::1'] });

  it('rejects every private, shared, link-local, multicast and reserved IPv4 range the issue names', () => {
    for (const r of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '224.0.0.0/4', '0.0.0.0/8']) {
      expect(rules.v4).toContain(`OUTPUT -d ${r} -j REJECT --reject-with icmp-port-unreachable`);
      expect(rules.v4).toContain(`OUTPUT -d ${r} -p tcp -j REJECT --reject-with tcp-reset`);
    }
    expect(BLOCKED_V4).toContain('240.0.0.0/4'); // includes the broadcast 255.255.255.255
  });

  it('rejects unique-local, link-local and multicast IPv6', () => {
    for (const r of ['fc00::/7', 'fe80::/10', 'ff00::/8']) expect(rules.v6).toContain(`OUTPUT -d ${r} -j REJECT --reject-with icmp6-port-unreachable`);
    expect(BLOCKED_V6).toHaveLength(3);
  });

  it('allows loopback (Docker DNS on 127.0.0.11 lives there) and DNS from root only (Docker forwarding), before any REJECT', () => {
    for (const list of [rules.v4, rules.v6]) {
      expect(list.slice(0, 3)).toEqual([
        'OUTPUT -o lo -j ACCEPT',
        'OUTPUT -p udp --dport 53 -m owner --uid-owner 0 -j ACCEPT',
        'OUTPUT -p tcp --dport 53 -m owner --uid-owner 0 -j ACCEPT',
      ]);
      expect(list.slice(3).every((r) => r.includes('-j REJECT'))).toBe(true);
    }
  });

  it('has no ESTABLISHED shortcut ahead of the REJECTs and no ACCEPT for the lab user beyond loopback', () => {
    expect([...rules.v4, ...rules.v6].some((r) => /ESTABLISHED|RELATED/.test(r))).toBe(false);
    expect([...rules.v4, ...rules.v6].filter((r) => r.includes('ACCEPT') && !r.includes('-o lo') && !r.includes('--uid-owner 0'))).toEqual([]);
  });

  it("rejects the host's own addresses outside the fixed ranges (a public one, IPv6), and only valid ones", () => {
    expect(rules.v4).toContain('OUTPUT -d 203.0.113.7/32 -j REJECT --reject-with icmp-port-unreachable');
    expect(rules.v4).toContain('OUTPUT -d 203.0.113.7/32 -p tcp -j REJECT --reject-with tcp-reset');
    expect(rules.v6).toContain('OUTPUT -d 2001:db8::5/128 -j REJECT --reject-with icmp6-port-unreachable');
    // Already covered by a range: not repeated.
    expect(rules.v4.some((r) => r.includes('172.17.0.1') || r.includes('192.168.1.20'))).toBe(false);
    expect(rules.v6.some((r) => r.includes('fe80::1/') || r.includes('::1/128'))).toBe(false);
    expect([...rules.v4, ...rules.v6].some((r) => r.includes('not-an-ip'))).toBe(false);
  });

  it('rejects a gateway in a non-private pool explicitly (daemon configured with public-looking ranges)', () => {
    const r = firewallRules({ hostAddresses: ['198.51.100.1'] });
    expect(r.v4).toContain('OUTPUT -d 198.51.100.1/32 -j REJECT --reject-with icmp-port-unreachable');
  });

  it('never rejects a public address such as 8.8.8.8 or 1.1.1.1: the internet stays open', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '151.101.1.69']) {
      expect(BLOCKED_V4.some((range) => inV4Range(ip, range))).toBe(false);
      expect(rules.v4.some((r) => r.includes(` ${ip}/`))).toBe(false);
    }
    for (const ip of ['10.1.2.3', '172.31.255.255', '192.168.0.1', '100.127.0.1', '169.254.169.254', '255.255.255.255', '0.1.2.3', '239.1.1.1']) {
      expect(
        BLOCKED_V4.some((range) => inV4Range(ip, range)),
        ip,
      ).toBe(true);
    }
    expect(inV4Range('172.32.0.1', '172.16.0.0/12')).toBe(false);
  });

  it('is iptables-restore input for the filter table only (the nat rules of Docker DNS stay), default ACCEPT', () => {
    const text = restoreInput(rules.v4);
    expect(text.split('\n')[0]).toBe('*filter');
    expect(text).toContain(':OUTPUT ACCEPT [0:0]');
    expect(text).not.toContain('*nat');
    expect(text.trim().endsWith('COMMIT')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('-A '))).toHaveLength(rules.v4.length);
  });
});

describe('firewall helper container', () => {
  const spec = firewallHelperSpec({
    networkContainer: 'classlab-web-holder',
    profile,
    namespace: 'classlab',
    rules: firewallRules({ hostAddresses: [] }),
    image: `sha256:${'c'.repeat(64)}`,
  });

  it("joins the holder's network namespace with NET_ADMIN only, no new privileges, a read-only root", () => {
    expect(spec.HostConfig?.NetworkMode).toBe('container:classlab-web-holder');
    expect(spec.HostConfig?.CapDrop).toEqual(['ALL']);
    expect(spec.HostConfig?.CapAdd).toEqual(['NET_ADMIN']);
    expect(spec.HostConfig?.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(spec.HostConfig?.ReadonlyRootfs).toBe(true);
    expect(spec.HostConfig?.Privileged).toBeFalsy();
    expect(spec.HostConfig?.Binds ?? []).toEqual([]);
    expect(spec.HostConfig?.Mounts ?? []).toEqual([]);
    // The gate image by its trusted ID, never its tag.
    expect(spec.Image).toBe(`sha256:${'c'.repeat(64)}`);
    expect(JSON.stringify(spec)).not.toContain(GATE_IMAGE);
  });

  it('runs one fixed script, labelled like every ClassLab container', () => {
    expect(spec.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(spec.Cmd).toEqual([FIREWALL_SCRIPT]);
    expect(FIREWALL_SCRIPT).toContain('iptables-nft-restore');
    expect(FIREWALL_SCRIPT.startsWith('set -eu')).toBe(true);
    expect(spec.name).toBe('classlab-web-firewall');
    expect(spec.Labels).toMatchObject({ 'classlab.lab': 'web', 'classlab.instance': 'classlab', 'classlab.role': 'firewall', 'classlab.schema': '1' });
  });
});
