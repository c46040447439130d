// A remote engine's gates publish on the remote's 127.0.0.1 only. This computer reaches each one through
// the ssh connection (a direct-tcpip channel, ssh's -L), from a listener of its own on 127.0.0.1:
//   - the local port is the remote's number when it is free here, any free one otherwise. The gate checks
//     only that the Host is 127.0.0.1 or localhost with a port, and that an Origin equals http://<Host>
//     (images/gate/nginx.conf): the browser sends the local port in both, so any local port passes, and
//     each lab still has an origin of its own (one listener per remote port);
//   - the listener outlives the ssh connection: when it drops and comes back, the same local address
//     works again, so an open notebook view reconnects like it does after a local engine restart;
//   - it forwards to that one remote port and nowhere else, and only from this computer's loopback.
import net from 'node:net';
import type { Client, ClientChannel } from 'ssh2';

/** ssh's "administratively prohibited": the server's sshd does not allow forwarding for this user. */
const PROHIBITED = 1;

export class GateForwards {
  private readonly listeners = new Map<number, Promise<net.Server>>();
  private readonly open = new Set<net.Socket>();

  constructor(private readonly connect: () => Promise<Client>) {}

  /** The port on this computer's 127.0.0.1 that leads to the remote's 127.0.0.1:remotePort. */
  async localPort(remotePort: number): Promise<number> {
    let server = this.listeners.get(remotePort);
    if (!server) {
      server = this.listen(remotePort);
      this.listeners.set(remotePort, server);
      server.catch(() => this.listeners.delete(remotePort));
    }
    return ((await server).address() as net.AddressInfo).port;
  }

  close(): void {
    for (const s of this.listeners.values()) void s.then((server) => server.close()).catch(() => undefined);
    this.listeners.clear();
    for (const s of this.open) s.destroy();
  }

  private async listen(remotePort: number): Promise<net.Server> {
    // Said once, clearly, instead of a notebook that never answers: an sshd that forbids forwarding.
    await this.checkAllowed(remotePort);
    const server = net.createServer((socket) => this.pipe(socket, remotePort));
    const bind = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    await bind(remotePort).catch(() => bind(0));
    server.unref();
    return server;
  }

  private async checkAllowed(remotePort: number): Promise<void> {
    const client = await this.connect();
    const channel = await new Promise<ClientChannel | null>((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', remotePort, (err, ch) => {
        if (!err) return resolve(ch);
        if ((err as Error & { reason?: number }).reason === PROHIBITED)
          return reject(
            new Error(
              "The remote's sshd does not allow port forwarding for this user (AllowTcpForwarding), so the notebook cannot be reached. Ask the server's admin to allow local forwarding for this user.",
            ),
          );
        resolve(null); // nothing listens yet (a gate still starting): that is fine here
      });
    });
    channel?.close();
  }

  private pipe(socket: net.Socket, remotePort: number): void {
    this.open.add(socket);
    socket.on('close', () => this.open.delete(socket));
    socket.on('error', () => socket.destroy());
    this.connect().then(
      (client) =>
        client.forwardOut('127.0.0.1', socket.remotePort ?? 0, '127.0.0.1', remotePort, (err, channel) => {
          if (err || socket.destroyed) {
            channel?.close();
            return socket.destroy();
          }
          channel.on('error', () => socket.destroy());
          channel.on('close', () => socket.destroy());
          socket.on('close', () => channel.close());
          socket.pipe(channel).pipe(socket);
        }),
      () => socket.destroy(),
    );
  }
}
