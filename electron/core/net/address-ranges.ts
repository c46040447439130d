// The address ranges that are not "the internet": this computer, its local networks, link-local (where
// cloud metadata services answer, 169.254.169.254 and fd00:ec2::254), CGNAT, multicast, reserved. One
// list for both places that keep labs to the internet: the internet lab's firewall (sandbox/firewall.ts,
// which adds the host's own addresses) and ClassLab's own fetches for a lab (files/url-import.ts).
import net from 'node:net';

/** IPv4 ranges no lab may reach through the host's network: private, CGNAT, link-local, multicast, reserved, "this network". */
export const LOCAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4', // reserved, and the broadcast 255.255.255.255 (which would reach the host's UDP services)
] as const;

/** IPv6: unique-local, link-local, multicast. */
export const LOCAL_V6 = ['fc00::/7', 'fe80::/10', 'ff00::/8'] as const;

/**
 * What a fetch made on the host must refuse besides: loopback, which the firewall needs no rule for (a
 * lab's loopback is its own), and the IPv6 forms that carry an IPv4 address inside (mapped, NAT64,
 * 6to4, Teredo), which are decided by the address they carry.
 */
const HOST_ONLY_V4 = ['127.0.0.0/8'] as const;
const HOST_ONLY_V6 = ['::/128', '::1/128'] as const;

function blockList(): net.BlockList {
  const list = new net.BlockList();
  for (const range of [...LOCAL_V4, ...HOST_ONLY_V4]) {
    const [address, prefix] = range.split('/');
    list.addSubnet(address!, Number(prefix), 'ipv4');
  }
  for (const range of [...LOCAL_V6, ...HOST_ONLY_V6]) {
    const [address, prefix] = range.split('/');
    list.addSubnet(address!, Number(prefix), 'ipv6');
  }
  return list;
}

const LOCAL = blockList();

/** The IPv4 address an IPv6 address carries (::ffff:a.b.c.d, 64:ff9b::/96, 2002::/16 6to4, ::a.b.c.d), or null. */
export function embeddedV4(address: string): string | null {
  const groups = expandV6(address);
  if (!groups) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!); // IPv4-mapped
  if (zero(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!); // IPv4-compatible (deprecated)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!); // NAT64
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!); // 6to4
  if (groups[0] === 0x2001 && groups[1] === 0) return v4(~groups[6]! & 0xffff, ~groups[7]! & 0xffff); // Teredo client
  return null;
}

/** Eight 16-bit groups of an IPv6 address (with a dotted IPv4 tail allowed), or null when it is not one. */
function expandV6(address: string): number[] | null {
  let a = address.toLowerCase().replace(/%.*$/, '');
  if (!net.isIPv6(a)) return null;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) {
    const [b0, b1, b2, b3] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    a = `${a.slice(0, -tail[1]!.length)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, rest] = a.split('::') as [string, string | undefined];
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = part(head);
  const right = rest === undefined ? [] : part(rest);
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

/**
 * Why an address (an IP literal, after name resolution) is not on the internet, or null when it is:
 * "loopback", "a private network", "link-local (where cloud metadata answers)", … for the error message.
 */
export function localAddressKind(address: string): string | null {
  const family = net.isIP(address);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const inner = embeddedV4(address);
    if (inner) return localAddressKind(inner);
  }
  if (!LOCAL.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
  return describe(address, family);
}

function describe(address: string, family: number): string {
  const within = (range: string) => {
    const [base, prefix] = range.split('/');
    const one = new net.BlockList();
    one.addSubnet(base!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    return one.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  if (family === 4) {
    if (within('127.0.0.0/8')) return 'this computer (loopback)';
    if (within('169.254.0.0/16')) return 'link-local, where cloud metadata services answer';
    if (within('10.0.0.0/8') || within('172.16.0.0/12') || within('192.168.0.0/16')) return 'a private network';
    if (within('100.64.0.0/10')) return 'a shared (carrier-grade NAT) network';
    if (within('224.0.0.0/4')) return 'multicast';
    if (within('0.0.0.0/8')) return '"this network"';
    return 'a reserved range';
  }
  if (within('::1/128') || within('::/128')) return 'this computer (loopback)';
  if (within('fe80::/10')) return 'link-local';
  if (within('fc00::/7')) return 'a private (unique-local) network, where some cloud metadata services answer';
  return 'multicast';
}
