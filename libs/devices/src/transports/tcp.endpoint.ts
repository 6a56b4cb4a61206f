import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ByteEndpoint } from './byte-endpoint';

/** A serial device server (Ethernet-to-serial box) or a twin: raw TCP, Nagle off (88 ms vs 0.15 ms per round trip). */
export class TcpEndpoint implements ByteEndpoint {
  readonly url: string;
  readonly freshConnectionDropsLateBytes = true;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.url = `tcp://${host}:${port}`;
  }

  open(timeoutMs: number, signal?: AbortSignal): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      let settled = false;
      const finish = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', finish);
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve(socket);
      };
      const onAbort = () => finish(new Error('connect aborted'));
      const timer = setTimeout(() => finish(new Error(`connect ${this.url} timed out`)), timeoutMs);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', finish);
      socket.once('connect', () => {
        socket.setNoDelay(true);
        // A dead device server is otherwise only noticed by the next command's timeout.
        socket.setKeepAlive(true, 1000);
        finish(null);
      });
    });
  }
}
