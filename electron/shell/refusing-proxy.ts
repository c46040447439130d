// A proxy that answers nothing: a loopback listener that closes every connection at once. Each lab's
// session sends everything but its own origin here (request-policy.ts labProxyConfig), so a connection
// that Chromium opens outside webRequest (WebRTC over TCP, a preconnect) ends on this PC, unanswered.
// A listener of our own rather than a port "nobody uses": nothing else can ever be behind it.
import net from 'node:net';

export interface RefusingProxy {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startRefusingProxy(): Promise<RefusingProxy> {
  const server = net.createServer((socket) => socket.destroy());
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the refusing proxy has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
