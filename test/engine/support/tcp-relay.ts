import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on a link's host address to a service on 127.0.0.1 (Redis, the broker, PostgreSQL, the device
 * servers all listen on loopback): a process in a network namespace reaches them only through its own link, so
 * cutting that link cuts exactly that service off.
 */
export async function startRelay(
  listenHost: string,
  listenPort: number,
  targetPort: number,
): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, () => resolve());
  });
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
