// A switchable door to the real Docker engine: a Unix socket that, while open, forwards every connection
// to /var/run/docker.sock, and while closed has nothing listening. Point DOCKER_HOST (or an Engine) at it
// to make "Docker stopped" and "Docker is back" happen without touching the engine other tests use.
import net from 'node:net';

export function engineDoor(socketPath: string) {
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  return {
    open: () =>
      new Promise<void>((resolve) => {
        server = net.createServer((client) => {
          const upstream = net.connect('/var/run/docker.sock');
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const drop = () => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', drop).on('close', drop);
          upstream.on('error', drop).on('close', drop);
        });
        server.listen(socketPath, resolve);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (!server) return resolve();
        server.close(() => resolve());
        server = null;
      }),
  };
}
