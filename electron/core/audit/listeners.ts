// Listeners the audit starts on the host, so network probes from a lab have something real to reach:
// one on 127.0.0.1 and one on each Docker bridge gateway address that is local to this machine (the
// host side of the labs' networks). Nothing else is ever probed: no public or LAN address.
import net from 'node:net';

export interface HostListener {
  host: string;
  port: number;
  /** What this address is, for the evidence line. */
  label: string;
  /** Connections it accepted (from anywhere). */
  accepted: number;
}

export class HostListeners {
  private readonly servers: net.Server[] = [];
  readonly listening: HostListener[] = [];
  readonly unavailable: { host: string; label: string; reason: string }[] = [];

  /** Listens on host:0 (a free port). Addresses that are not on this machine are noted, not an error. */
  async add(host: string, label: string): Promise<HostListener | null> {
    const entry: HostListener = { host, port: 0, label, accepted: 0 };
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      entry.accepted += 1;
      socket.end('classlab-audit\n');
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port: 0, exclusive: true }, () => resolve());
      });
    } catch (err) {
      this.unavailable.push({ host, label, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
      return null;
    }
    entry.port = (server.address() as net.AddressInfo).port;
    this.servers.push(server);
    this.listening.push(entry);
    return entry;
  }

  /** The host itself can connect: proves the listener works (the probe from the lab is then meaningful). */
  static async reachableFromHost(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port, timeout: timeoutMs }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
      s.on('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }
}
