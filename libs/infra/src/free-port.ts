import { createServer } from 'node:net';

/**
 * Ports handed out for a server another process will bind a moment later are drawn below the kernel's ephemeral
 * range (32768+ on Linux): a port from that range can be taken meanwhile as the source port of any outgoing
 * connection, which made a twin fail with EADDRINUSE now and then.
 */
const LOW = 20000;
const HIGH = 32000;

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** A TCP port free on 127.0.0.1 right now, outside the ephemeral range when one can be found there. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await tryListen(LOW + Math.floor(Math.random() * (HIGH - LOW)));
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}
