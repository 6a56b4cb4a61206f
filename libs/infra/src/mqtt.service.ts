import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBroker } from 'aedes';
import mqtt from 'mqtt';
import { InfraError } from './infra-error';
import { findOnPath } from './find-on-path';
import { freePort } from './free-port';

/** Checks that an MQTT broker accepts a connection within a few seconds; the error names MQTT_URL. */
export async function checkMqtt(
  url: string,
  credentials: { username?: string; password?: string } = {},
  timeoutMs = 3000,
  protocolVersion: 4 | 5 = 5,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const client = mqtt.connect(url, {
      ...credentials,
      protocolVersion,
      connectTimeout: timeoutMs,
      reconnectPeriod: 0,
      clientId: `graftlab-check-${process.pid}-${Math.random().toString(16).slice(2)}`,
    });
    const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      client.end(true);
      reject(
        new InfraError(
          `MQTT_URL=${url} does not answer (${e.message}); start a broker there or unset MQTT_URL to use the embedded one`,
        ),
      );
    };
    client.once('error', fail);
    client.once('connect', () => {
      clearTimeout(timer);
      client.end(true, () => resolve());
    });
  });
}

export interface EmbeddedBroker {
  readonly url: string;
  /** 5 when the broker speaks MQTT 5 (mosquitto), 4 for MQTT 3.1.1 (aedes). */
  readonly protocolVersion: 4 | 5;
  readonly kind: 'mosquitto' | 'aedes';
  stop(): Promise<void>;
}

/**
 * The quick start's broker: a private mosquitto (MQTT 5, TCP_NODELAY, loopback only) when the binary is installed,
 * otherwise aedes in this process. aedes speaks MQTT 3.1.1 only, so graftlab's request/response then carries its
 * reply topic and correlation id in the JSON payload (docs/mqtt.md).
 */
export async function startLocalBroker(): Promise<EmbeddedBroker> {
  return findOnPath('mosquitto') ? startPrivateMosquitto() : startEmbeddedBroker();
}

/** A loopback-only mosquitto configuration for a private broker: anonymous, no Nagle delays, nothing persisted. */
export function privateMosquittoConfig(port: number): string {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'set_tcp_nodelay true',
    'persistence false',
    '',
  ].join('\n');
}

export async function startPrivateMosquitto(): Promise<EmbeddedBroker> {
  const binary = findOnPath('mosquitto');
  if (!binary) throw new InfraError('mosquitto is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'graftlab-mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(conf, privateMosquittoConfig(port));
  const child = spawn(binary, ['-c', conf], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `mqtt://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await checkMqtt(url, {}, 500);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new InfraError(
          `could not start a private mosquitto (${binary}); set MQTT_URL to a running broker`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    protocolVersion: 5,
    kind: 'mosquitto',
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An in-process MQTT 3.1.1 broker (aedes) on a loopback port; sockets with TCP_NODELAY. */
export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  const broker = createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    protocolVersion: 4,
    kind: 'aedes',
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
