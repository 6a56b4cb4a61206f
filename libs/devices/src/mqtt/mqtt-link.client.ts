import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { setLongTimeout } from '@graftlab/clock';
import { backoffDelay, DEFAULT_BACKOFF } from '../transports/backoff';
import { DeviceError } from '../capabilities/device-error';
import { FENCED_CODE } from '../fencing/command-fence';
import type {
  MqttLink,
  MqttLinkEvent,
  MqttMessage,
  MqttPublishOptions,
  MqttRequestOptions,
} from './mqtt-link';
import {
  isReplyPayload,
  parseJsonObject,
  topics,
  type CommandPayload,
  type ReplyPayload,
} from './mqtt-topics';
import { topicMatches } from './topic-match';

export interface MqttLinkOptions {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Must be unique per process (a shared id makes two clients take over each other's session forever). */
  readonly clientId: string;
  readonly labId: string;
  /** When set, a retained {online, ts, fw} on this topic, with a retained {online:false} last will. */
  readonly status?: { readonly topic: string; readonly fw: string };
  /** First connection must succeed within this, ms (default 3000); later reconnects retry with backoff. */
  readonly connectTimeoutMs?: number;
  /**
   * 5 (default) or 4 for MQTT 3.1.1 brokers (aedes): without MQTT 5 properties the reply topic and the
   * correlation id travel in the JSON payload as `replyTo` and `correlationId` (docs/mqtt.md).
   */
  readonly protocolVersion?: 4 | 5;
  readonly log?: (event: Record<string, unknown>) => void;
}

/** A clientId unique to this process: prefix-host-pid-random. */
export function uniqueClientId(prefix: string): string {
  return `${prefix}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

const KEEPALIVE_S = 10;

interface Pending {
  readonly deviceId: string;
  readonly commandId: string;
  accepted: boolean;
  readonly resolve: (reply: ReplyPayload) => void;
  readonly reject: (error: DeviceError) => void;
  readonly onAccepted?: (reply: ReplyPayload) => void;
}

class MqttLinkClient implements MqttLink {
  private readonly handlers = new Map<string, Set<(m: MqttMessage) => void>>();
  private readonly listeners = new Set<(e: MqttLinkEvent) => void>();
  private readonly pending = new Map<string, Pending>();
  private readonly replyTopic: string;
  /** Reconnect attempts since the last connection (the serial lines' backoff, see transports/backoff.ts). */
  private reconnectAttempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;
  private suspended = false;
  private wasConnected = false;

  constructor(
    private readonly client: MqttClient,
    private readonly options: MqttLinkOptions,
  ) {
    this.replyTopic = topics.replies(options.labId, options.clientId);
    client.on('connect', (connack) => this.onConnect(connack));
    client.on('close', () => this.onClose('connection closed'));
    client.on('error', (e) =>
      this.options.log?.({ event: 'mqtt-error', clientId: options.clientId, error: e.message }),
    );
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
  }

  get clientId(): string {
    return this.options.clientId;
  }

  private get v5(): boolean {
    return (this.options.protocolVersion ?? 5) === 5;
  }
  get labId(): string {
    return this.options.labId;
  }
  get connected(): boolean {
    return this.client.connected;
  }

  private onConnect(connack: IConnackPacket): void {
    // Nagle + delayed ACK costs ~88 ms per command round trip (performance-floors.md); set it on every socket.
    (this.client.stream as Partial<Socket>).setNoDelay?.(true);
    this.reconnectAttempt = 0;
    this.wasConnected = true;
    const sessionPresent = Boolean(connack.sessionPresent);
    if (!sessionPresent) {
      // The broker has no session for us: subscriptions are gone, make them again explicitly.
      const filters = [this.replyTopic, ...this.handlers.keys()];
      this.client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) this.options.log?.({ event: 'mqtt-subscribe-failed', error: err.message });
      });
    }
    if (this.options.status) {
      const online = JSON.stringify({ online: true, ts: Date.now(), fw: this.options.status.fw });
      this.client.publish(this.options.status.topic, online, { qos: 1, retain: true });
    }
    this.emit({ type: 'connected', sessionPresent });
  }

  private onClose(reason: string): void {
    if (this.wasConnected) {
      this.wasConnected = false;
      this.failPending('disconnected', 'broker connection lost');
      this.emit({ type: 'disconnected', reason });
    }
    if (this.closing || this.suspended || this.reconnectTimer) return;
    // The lab's one backoff with jitter (MQTT.js alone retries at a fixed period).
    const delay = backoffDelay(this.reconnectAttempt++, DEFAULT_BACKOFF);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing && !this.suspended) this.client.reconnect();
    }, delay);
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const props = packet.properties;
    // MQTT 3.1.1 carries no properties: the request/reply fields come from the payload instead.
    const inPayload = props?.correlationData ? undefined : payloadCorrelation(payload);
    if (topic === this.replyTopic)
      return this.onReply(payload, props?.correlationData ?? inPayload?.correlationData);
    const message: MqttMessage = {
      topic,
      payload,
      retain: packet.retain,
      responseTopic: props?.responseTopic ?? inPayload?.responseTopic,
      correlationData: props?.correlationData ?? inPayload?.correlationData,
    };
    for (const [filter, set] of this.handlers) {
      if (!topicMatches(filter, topic)) continue;
      for (const handler of set) handler(message);
    }
  }

  private onReply(payload: Buffer, correlation: Buffer | undefined): void {
    if (!correlation) return;
    const p = this.pending.get(correlation.toString('hex'));
    if (!p) return; // late reply of a request that timed out, or someone else's
    const reply = parseJsonObject(payload);
    if (!isReplyPayload(reply) || reply.commandId !== p.commandId) {
      this.pending.delete(correlation.toString('hex'));
      p.reject(
        new DeviceError('protocol', p.deviceId, `malformed reply: ${payload.toString().slice(0, 120)}`),
      );
      return;
    }
    switch (reply.phase) {
      case 'accepted':
        p.accepted = true;
        p.onAccepted?.(reply);
        return;
      case 'rejected':
      case 'failed':
        this.pending.delete(correlation.toString('hex'));
        // A facility controller refusing a stale lease generation: typed, and provably not executed.
        p.reject(
          reply.code === FENCED_CODE
            ? new DeviceError(
                'fenced',
                p.deviceId,
                `rejected: ${reply.reason ?? 'stale generation'}`,
                reply.code,
                true,
              )
            : new DeviceError(
                'device',
                p.deviceId,
                `${reply.phase}: ${reply.reason ?? 'no reason'}`,
                reply.code,
              ),
        );
        return;
      case 'completed':
        this.pending.delete(correlation.toString('hex'));
        p.resolve(reply);
        return;
    }
  }

  private failPending(kind: 'disconnected', message: string): void {
    for (const [key, p] of this.pending) {
      this.pending.delete(key);
      p.reject(new DeviceError(kind, p.deviceId, message));
    }
  }

  private emit(event: MqttLinkEvent): void {
    for (const l of this.listeners) l(event);
  }

  request(topic: string, payload: CommandPayload, options: MqttRequestOptions): Promise<ReplyPayload> {
    const { deviceId } = options;
    if (!this.client.connected)
      return Promise.reject(
        new DeviceError('disconnected', deviceId, 'not connected to the MQTT broker', undefined, true),
      );
    if (options.signal?.aborted)
      return Promise.reject(new DeviceError('timeout', deviceId, 'wait aborted', undefined, true));
    const correlation = randomBytes(16);
    const key = correlation.toString('hex');
    return new Promise<ReplyPayload>((resolve, reject) => {
      const acceptMs = options.acceptTimeoutMs ?? Math.min(options.timeoutMs, 3000);
      const cleanup = () => {
        cancelTotal();
        clearTimeout(accept);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(key);
      };
      const fail = (e: DeviceError) => {
        cleanup();
        reject(e);
      };
      // A person's answer may take weeks: longer than one timer can wait.
      const cancelTotal = setLongTimeout(
        () =>
          fail(
            new DeviceError('timeout', deviceId, `no completion of ${topic} within ${options.timeoutMs} ms`),
          ),
        options.timeoutMs,
      );
      const accept = setTimeout(() => {
        if (!this.pending.get(key)?.accepted)
          fail(new DeviceError('timeout', deviceId, `no acknowledgement of ${topic} within ${acceptMs} ms`));
      }, acceptMs);
      const onAbort = () => fail(new DeviceError('timeout', deviceId, 'wait aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(key, {
        deviceId,
        commandId: payload.commandId,
        accepted: false,
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: fail,
        onAccepted: (r) => {
          clearTimeout(accept);
          options.onAccepted?.(r);
        },
      });
      this.client.publish(
        topic,
        JSON.stringify(this.v5 ? payload : { ...payload, replyTo: this.replyTopic, correlationId: key }),
        {
          qos: 1,
          retain: false, // a retained command would be replayed to every reconnecting device
          properties: this.v5
            ? {
                responseTopic: this.replyTopic,
                correlationData: correlation,
                messageExpiryInterval: options.expirySeconds ?? 10,
                contentType: 'application/json',
              }
            : undefined,
        },
        (err) => {
          if (err) fail(new DeviceError('disconnected', deviceId, `publish failed: ${err.message}`));
        },
      );
    });
  }

  publish(topic: string, payload: string | Buffer, options: MqttPublishOptions = {}): Promise<void> {
    const props: IPublishPacket['properties'] = {};
    if (options.responseTopic) props.responseTopic = options.responseTopic;
    if (options.correlationData) props.correlationData = options.correlationData;
    if (options.messageExpiryInterval) props.messageExpiryInterval = options.messageExpiryInterval;
    if (!this.v5 && options.correlationData) {
      // A reply over MQTT 3.1.1: the correlation id rides in the JSON payload.
      const body = parseJsonObject(payload);
      if (body) payload = JSON.stringify({ ...body, correlationId: options.correlationData.toString('hex') });
    }
    return new Promise((resolve, reject) => {
      this.client.publish(
        topic,
        payload,
        { qos: options.qos ?? 0, retain: options.retain ?? false, properties: this.v5 ? props : undefined },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  async subscribe(
    filter: string,
    handler: (message: MqttMessage) => void,
    qos: 0 | 1 = 1,
  ): Promise<() => Promise<void>> {
    let set = this.handlers.get(filter);
    if (!set) this.handlers.set(filter, (set = new Set()));
    set.add(handler);
    // Subscribing again to a filter already subscribed makes the broker send its retained messages once more: a
    // second driver of the same device (a shared instrument opened again) needs the retained status as much as the
    // first did. Handlers already there see a repeat of a retained message, which they treat as the same state.
    if (this.client.connected) {
      try {
        await this.client.subscribeAsync(filter, { qos });
      } catch (e) {
        // The connection dropped meanwhile: the handler stays, and the reconnect subscribes it with the rest.
        if (!this.client.connected) return this.unsubscriber(filter, handler);
        set.delete(handler);
        if (!set.size) this.handlers.delete(filter);
        throw new DeviceError(
          'disconnected',
          'mqtt',
          `subscribe to ${filter} failed: ${(e as Error).message}`,
        );
      }
    }
    return this.unsubscriber(filter, handler);
  }

  private unsubscriber(filter: string, handler: (message: MqttMessage) => void): () => Promise<void> {
    return async () => {
      const s = this.handlers.get(filter);
      if (!s?.delete(handler) || s.size) return;
      this.handlers.delete(filter);
      // Bounded like close: an UNSUBACK lost to a broker restart must not hold up whoever closes a driver.
      if (this.client.connected)
        await withinGrace(this.client.unsubscribeAsync(filter).catch(() => undefined));
    };
  }

  onEvent(listener: (event: MqttLinkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dropConnection({ reconnect }: { reconnect: boolean }): void {
    this.suspended = !reconnect;
    // No DISCONNECT packet: the broker sees a lost client and publishes the last will.
    this.client.stream?.destroy();
  }

  reconnect(): void {
    this.suspended = false;
    if (!this.client.connected && !this.reconnectTimer) this.client.reconnect();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    // Closing is bounded: a QoS 1 message the broker never acknowledges (sent just before it restarted) must not
    // keep a process from shutting down, so after the grace period the connection is closed without waiting.
    if (this.client.connected && this.options.status) {
      const offline = JSON.stringify({ online: false, ts: Date.now() });
      await withinGrace(
        this.publish(this.options.status.topic, offline, { qos: 1, retain: true }).catch(() => undefined),
      );
    }
    this.failPending('disconnected', 'link closed');
    const ended = await withinGrace(this.client.endAsync(!this.client.connected).catch(() => undefined));
    if (!ended) await this.client.endAsync(true).catch(() => undefined);
  }
}

const CLOSE_GRACE_MS = 2000;

/** Whether the work finished within the close grace period. */
async function withinGrace(work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)));
  const done = await Promise.race([work.then(() => true as const), late]);
  clearTimeout(timer);
  return done;
}

/** Connects the process's MQTT 5 link; rejects with DeviceError 'disconnected' when the broker cannot be reached in time. */
export async function connectMqttLink(options: MqttLinkOptions): Promise<MqttLink> {
  const connectTimeout = options.connectTimeoutMs ?? 3000;
  const clientOptions: IClientOptions = {
    protocolVersion: options.protocolVersion ?? 5,
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: true,
    keepalive: KEEPALIVE_S,
    connectTimeout,
    reconnectPeriod: 0, // the link reconnects itself with backoff
    resubscribe: false, // the link resubscribes itself when the session is gone
    queueQoSZero: false, // stale telemetry must not flood the broker after a reconnect
    will: options.status
      ? {
          topic: options.status.topic,
          payload: Buffer.from(JSON.stringify({ online: false, ts: Date.now() })),
          qos: 1,
          retain: true,
        }
      : undefined,
  };
  // A fresh options object per connect: MQTT.js mutates the one it is given.
  const client = mqtt.connect(options.url, { ...clientOptions });
  const link = new MqttLinkClient(client, options);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no connection within ${connectTimeout} ms`), connectTimeout);
    const off = link.onEvent((e) => {
      if (e.type !== 'connected') return;
      clearTimeout(timer);
      off();
      client.off('error', onError);
      resolve();
    });
    const onError = (e: Error) => fail(e.message);
    const fail = (why: string) => {
      clearTimeout(timer);
      off();
      client.off('error', onError);
      void link.close();
      reject(new DeviceError('disconnected', 'mqtt', `cannot reach MQTT broker ${options.url}: ${why}`));
    };
    client.on('error', onError);
  });
  return link;
}

/** Request/reply fields an MQTT 3.1.1 peer put in the JSON payload. */
function payloadCorrelation(
  payload: Buffer,
): { responseTopic?: string; correlationData?: Buffer } | undefined {
  if (payload.length === 0 || payload[0] !== 0x7b) return undefined; // not a JSON object
  const body = parseJsonObject(payload);
  const id = body?.correlationId;
  if (typeof id !== 'string' || !/^[0-9a-f]+$/.test(id)) return undefined;
  return {
    responseTopic: typeof body?.replyTo === 'string' ? body.replyTo : undefined,
    correlationData: Buffer.from(id, 'hex'),
  };
}
