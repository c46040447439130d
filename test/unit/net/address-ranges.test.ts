import { describe, expect, it } from 'vitest';
import { embeddedV4, localAddressKind } from '../../../electron/core/net/address-ranges';

describe('address ranges: what is not the internet', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'carrier-grade'],
    ['0.0.0.0', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:c0a8:0101::1', 'private'],
    ['::10.0.0.1', 'private'],
  ])('%s is refused (%s)', (address, why) => {
    expect(localAddressKind(address)).toContain(why);
  });

  it.each(['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:81d::200e', '::ffff:8.8.8.8', '172.32.0.1', '192.169.0.1'])(
    '%s is on the internet',
    (address) => {
      expect(localAddressKind(address)).toBeNull();
    },
  );

  it('reads the IPv4 address inside the IPv6 forms that carry one', () => {
    expect(embeddedV4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedV4('64:ff9b::7f00:1')).toBe('127.0.0.1');
    expect(embeddedV4('2002:7f00:1::')).toBe('127.0.0.1');
    expect(embeddedV4('2606:4700::1111')).toBeNull();
    expect(embeddedV4('not an address')).toBeNull();
  });

  it('a host name is not an address', () => {
    expect(localAddressKind('localhost')).toBe('not an IP address');
  });
});
