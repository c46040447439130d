// Attack 20's readings: the lab's listening sockets from /proc/net/tcp{,6}, and the ports the engine
// publishes from a container's inspect (any published port is a way in from this computer).
import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { listeningSockets, publishedPorts } from '../../../electron/core/audit/attacks/lab-servers';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:223D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0000000000000000 20 4 30 10 -1`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:223E 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0000000000000000 100 0 0 10 0`;

describe('listening sockets in the lab', () => {
  it('reads LISTEN lines only, IPv4 in host byte order and IPv6 wildcards and loopback', () => {
    expect(listeningSockets(TCP)).toEqual(['0.0.0.0:8765', '127.0.0.1:8080']);
    expect(listeningSockets(TCP6)).toEqual(['[::]:8766', '[::1]:22']);
    expect(listeningSockets('')).toEqual([]);
    expect(listeningSockets('header\ngarbage line\n')).toEqual([]);
  });
});

describe('ports the engine publishes', () => {
  const none = { HostConfig: { PortBindings: {} }, NetworkSettings: { Ports: {} } } as unknown as Docker.ContainerInspectInfo;
  it('finds none in a lab without ports, and every binding, PortBindings and PublishAllPorts otherwise', () => {
    expect(publishedPorts(none)).toEqual([]);
    const open = {
      HostConfig: { PortBindings: { '8888/tcp': [{ HostIp: '', HostPort: '8888' }] }, PublishAllPorts: true },
      NetworkSettings: { Ports: { '8888/tcp': [{ HostIp: '0.0.0.0', HostPort: '8888' }], '9000/tcp': null } },
    } as unknown as Docker.ContainerInspectInfo;
    expect(publishedPorts(open)).toEqual(['8888/tcp -> 0.0.0.0:8888', '8888/tcp bound to 0.0.0.0:8888', 'PublishAllPorts']);
  });
});
