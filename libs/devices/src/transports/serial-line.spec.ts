import { createServer, type Server, type Socket } from 'node:net';
import { backoffDelay } from './backoff';
import { LineMutex } from './line-mutex';
import { SerialLine } from './serial-line';
import { TcpEndpoint } from './tcp.endpoint';

/** An echo-after-delay device server: answers "<request>\r\n" after delayMs, and records request order. */
async function slowEcho(delayMs: number): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((socket: Socket) => {
    socket.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\r').filter(Boolean)) {
        seen.push(line);
        setTimeout(() => socket.write(`${line}\r\n`), delayMs);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, seen };
}

describe('SerialLine', () => {
  it('keeps one request in flight for all devices of a line, in FIFO order', async () => {
    const peer = await slowEcho(20);
    const line = new SerialLine({ endpoint: new TcpEndpoint('127.0.0.1', peer.port), framer: 'crlf' });
    try {
      await line.open({ deviceId: 'x', timeoutMs: 1000 });
      const ask = (deviceId: string, text: string) =>
        line.transact({ deviceId, timeoutMs: 1000 }, async (tx) =>
          (await tx.request(`${text}\r`)).toString(),
        );
      const answers = await Promise.all([ask('a', 'A1'), ask('b', 'B1'), ask('a', 'A2'), ask('b', 'B2')]);
      expect(answers).toEqual(['A1', 'B1', 'A2', 'B2']); // no reply went to the wrong device
      expect(peer.seen).toEqual(['A1', 'B1', 'A2', 'B2']);
    } finally {
      await line.close();
      peer.server.close();
    }
  });

  it('does not take the late reply to a timed-out request as the answer to the next one', async () => {
    // SLOW is answered after 150 ms, everything else after 80 ms: without a resync, the reply to SLOW arrives
    // while the next request waits for its own, and would be read as its answer.
    const server = createServer((socket: Socket) => {
      socket.on('data', (d: Buffer) => {
        for (const text of d.toString().split('\r').filter(Boolean))
          setTimeout(() => socket.write(`${text}\r\n`), text === 'SLOW' ? 150 : 80);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const line = new SerialLine({ endpoint: new TcpEndpoint('127.0.0.1', port), framer: 'crlf' });
    try {
      const ask = (text: string, timeoutMs: number) =>
        line.transact({ deviceId: 'x', timeoutMs }, async (tx) => (await tx.request(`${text}\r`)).toString());
      await expect(ask('SLOW', 100)).rejects.toMatchObject({ kind: 'timeout' });
      expect(await ask('NEXT', 1000)).toBe('NEXT');
      expect(await ask('THIRD', 1000)).toBe('THIRD');
      // An abandoned request (its caller aborted) resyncs the same way.
      const ac = new AbortController();
      const abandoned = line.transact({ deviceId: 'x', timeoutMs: 1000, signal: ac.signal }, (tx) =>
        tx.request('SLOW\r'),
      );
      setTimeout(() => ac.abort(new Error('run stopped')), 20);
      await expect(abandoned).rejects.toThrow('run stopped');
      expect(await ask('AFTER', 1000)).toBe('AFTER');
    } finally {
      await line.close();
      server.close();
    }
  });

  it('on a TCP device server, replaces the connection after a timeout: a reply seconds late cannot be misread', async () => {
    // SLOW is answered after 700 ms (a reply held up by a network cut), far past any quiet gap worth waiting.
    const server = createServer((socket: Socket) => {
      socket.on('error', () => undefined);
      socket.on('data', (d: Buffer) => {
        for (const text of d.toString().split('\r').filter(Boolean))
          setTimeout(() => socket.writable && socket.write(`${text}\r\n`), text === 'SLOW' ? 700 : 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const events: string[] = [];
    const line = new SerialLine({ endpoint: new TcpEndpoint('127.0.0.1', port), framer: 'crlf' });
    line.onEvent((e) => events.push(e.type));
    try {
      const ask = (text: string, timeoutMs: number) =>
        line.transact({ deviceId: 'x', timeoutMs }, async (tx) => (await tx.request(`${text}\r`)).toString());
      await expect(ask('SLOW', 100)).rejects.toMatchObject({ kind: 'timeout' });
      const answers: string[] = [];
      const until = Date.now() + 1200; // past the moment the late reply is sent
      while (Date.now() < until) answers.push(await ask(`N${answers.length}`, 1000));
      expect(answers).toEqual(answers.map((_, i) => `N${i}`));
      expect(events).toEqual(['connected', 'disconnected', 'connected']);
    } finally {
      await line.close();
      server.close();
    }
  });

  it('fails to open an unreachable server fast with disconnected', async () => {
    const line = new SerialLine({ endpoint: new TcpEndpoint('127.0.0.1', 1), framer: 'crlf' });
    await expect(line.open({ deviceId: 'x', timeoutMs: 500 })).rejects.toMatchObject({
      kind: 'disconnected',
    });
  });

  it('an aborted waiter leaves the mutex queue', async () => {
    const mutex = new LineMutex();
    const release = await mutex.acquire();
    const ac = new AbortController();
    const waiting = mutex.acquire(ac.signal);
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    release();
    const again = await mutex.acquire();
    again();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter inside [window/2, window], capped', () => {
    expect(backoffDelay(0, undefined, () => 0)).toBe(50);
    expect(backoffDelay(0, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, undefined, () => 0.5)).toBe(600);
    expect(backoffDelay(20, undefined, () => 1)).toBe(5000);
  });
});
