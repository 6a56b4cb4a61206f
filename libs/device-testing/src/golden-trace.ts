import { createServer, type Server, type Socket } from 'node:net';
import type { TraceEntry } from '@graftlab/twins';

/** A recorded driver<->device exchange (PyLabRobot's capture/validate idea): whole requests and replies, hex. */
export interface GoldenTrace {
  readonly driver: string;
  readonly deviceId: string;
  readonly scenario: string;
  readonly steps: readonly { readonly dir: 'host' | 'device'; readonly hex: string }[];
}

/** Turns a twin's wire trace into a golden trace (timestamps dropped: replay checks bytes and order only). */
export function captureGoldenTrace(
  meta: Omit<GoldenTrace, 'steps'>,
  entries: readonly TraceEntry[],
): GoldenTrace {
  return { ...meta, steps: entries.map((e) => ({ dir: e.dir, hex: e.hex })) };
}

export interface ReplayPeer {
  readonly port: number;
  /** Host bytes that differed from the recording, and steps never reached. */
  result(): { mismatches: string[]; remaining: number };
  close(): Promise<void>;
}

/**
 * A TCP peer that plays the device side of a golden trace: it waits for each recorded host request, compares
 * it byte for byte, and answers with the recorded device bytes (a recorded silence stays silent).
 */
export async function startReplayPeer(trace: GoldenTrace): Promise<ReplayPeer> {
  let i = 0;
  const mismatches: string[] = [];
  let rx = Buffer.alloc(0);
  const sockets = new Set<Socket>();
  const sendDeviceSteps = (socket: Socket) => {
    while (i < trace.steps.length && trace.steps[i].dir === 'device')
      socket.write(Buffer.from(trace.steps[i++].hex, 'hex'));
  };
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    sendDeviceSteps(socket);
    socket.on('data', (chunk: Buffer) => {
      rx = Buffer.concat([rx, chunk]);
      while (i < trace.steps.length && trace.steps[i].dir === 'host') {
        const expected = Buffer.from(trace.steps[i].hex, 'hex');
        if (rx.length < expected.length) return;
        const got = rx.subarray(0, expected.length);
        if (!got.equals(expected)) {
          mismatches.push(
            `step ${i}: expected ${JSON.stringify(expected.toString('latin1'))}, got ${JSON.stringify(got.toString('latin1'))}`,
          );
        }
        rx = rx.subarray(expected.length);
        i++;
        sendDeviceSteps(socket);
      }
      if (i >= trace.steps.length && rx.length) {
        mismatches.push(`extra host bytes after the recording: ${JSON.stringify(rx.toString('latin1'))}`);
        rx = Buffer.alloc(0);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    result: () => ({ mismatches: [...mismatches], remaining: trace.steps.length - i }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
