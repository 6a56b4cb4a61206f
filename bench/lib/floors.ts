/**
 * Floors measured in the same run as the graftlab figure they sit beneath: BullMQ add → processor entered (one job
 * at a time, a no-op processor, the benchmark's private Redis) and the raw byte round trip of one NE-1000 basic-mode
 * status exchange over a plain `net` socket (no framer, no line mutex, no driver).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { summarize, type Summary } from './stats';

export async function bullmqAddToProcessor(redisUrl: string, n: number): Promise<Summary> {
  const name = `bench-floor-${randomBytes(4).toString('hex')}`;
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  let entered: ((t: number) => void) | undefined;
  const worker = new Worker(
    name,
    async () => {
      entered?.(performance.now());
    },
    { connection, concurrency: 1 },
  );
  await worker.waitUntilReady();
  await queue.waitUntilReady();
  const samples: number[] = [];
  const warmup = Math.min(50, Math.floor(n / 5));
  try {
    for (let i = 0; i < n + warmup; i++) {
      const t0 = performance.now();
      const tEntered = await new Promise<number>((resolve) => {
        entered = resolve;
        void queue.add('noop', { i }, { removeOnComplete: true, removeOnFail: true });
      });
      if (i >= warmup) samples.push(tEntered - t0);
    }
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  return summarize(samples);
}

/** Waits for the next byte `terminator` on the socket; resolves with the time it arrived. */
function untilByte(socket: Socket, terminator: number): Promise<number> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      if (chunk.includes(terminator)) {
        socket.off('data', onData);
        resolve(performance.now());
      }
    };
    socket.on('data', onData);
  });
}

/** Raw `net` request/reply to a TCP twin: `request` written, timed until `terminator` comes back. */
export async function rawTcpRoundTrip(
  host: string,
  port: number,
  request: Buffer,
  terminator: number,
  n: number,
): Promise<Summary> {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const samples: number[] = [];
  const warmup = Math.min(50, Math.floor(n / 5));
  try {
    for (let i = 0; i < n + warmup; i++) {
      const t0 = performance.now();
      const done = untilByte(socket, terminator);
      socket.write(request);
      const t1 = await done;
      if (i >= warmup) samples.push(t1 - t0);
    }
  } finally {
    socket.destroy();
  }
  return summarize(samples);
}

/** NE-1000 basic mode: "<address>\r" (status) answered with STX … ETX. */
export const NE1000_STATUS = Buffer.from('0\r', 'latin1');
export const NE1000_VER = Buffer.from('0VER\r', 'latin1');
export const ETX = 0x03;

export function tcpAddress(transport: string): { host: string; port: number } {
  const m = /^tcp:\/\/([^:/]+):(\d+)$/.exec(transport);
  if (!m) throw new Error(`not a tcp:// transport: ${transport}`);
  return { host: m[1], port: Number(m[2]) };
}
