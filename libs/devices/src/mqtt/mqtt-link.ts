import type { CommandPayload, ReplyPayload } from './mqtt-topics';

/** One received message, with the MQTT 5 properties a responder needs (responseTopic, correlationData). */
export interface MqttMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
}

export interface MqttPublishOptions {
  readonly qos?: 0 | 1;
  readonly retain?: boolean;
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  /** Seconds after which the broker discards the message instead of delivering it late. */
  readonly messageExpiryInterval?: number;
}

export interface MqttRequestOptions {
  /** Device the request addresses: errors are DeviceErrors of this device. */
  readonly deviceId: string;
  /** Whole exchange (accept + completion), real ms. */
  readonly timeoutMs: number;
  /** The immediate accepted/rejected must arrive within this, real ms (default min(timeoutMs, 3000)). */
  readonly acceptTimeoutMs?: number;
  /** MQTT 5 messageExpiryInterval of the command, s (default 10): a late device never runs a stale command. */
  readonly expirySeconds?: number;
  readonly signal?: AbortSignal;
  /** Called with the immediate `accepted` reply. */
  readonly onAccepted?: (reply: ReplyPayload) => void;
}

export type MqttLinkEvent =
  | { readonly type: 'connected'; readonly sessionPresent: boolean }
  | { readonly type: 'disconnected'; readonly reason: string };

/**
 * The process's shared MQTT 5 connection: one link per process with a unique clientId; drivers publish
 * commands and subscribe to device topics through it (implementation: connectMqttLink).
 */
export interface MqttLink {
  readonly clientId: string;
  readonly labId: string;
  readonly connected: boolean;
  /**
   * MQTT 5 request/response with the two-phase acknowledgement: publishes QoS 1, never retained, with
   * responseTopic, correlationData and messageExpiryInterval; resolves with the `completed` reply and
   * rejects with a DeviceError (device: rejected/failed; timeout; disconnected).
   */
  request(topic: string, payload: CommandPayload, options: MqttRequestOptions): Promise<ReplyPayload>;
  publish(topic: string, payload: string | Buffer, options?: MqttPublishOptions): Promise<void>;
  /** Subscribes a handler to a topic filter (kept across reconnects); resolves with its unsubscribe. */
  subscribe(
    filter: string,
    handler: (message: MqttMessage) => void,
    qos?: 0 | 1,
  ): Promise<() => Promise<void>>;
  onEvent(listener: (event: MqttLinkEvent) => void): () => void;
  /**
   * Drops the TCP connection without an MQTT DISCONNECT, so the broker publishes the last will.
   * For fault injection in the virtual lab; with reconnect false it stays down until reconnect().
   */
  dropConnection(options: { reconnect: boolean }): void;
  reconnect(): void;
  /** Publishes the retained offline status (if any), disconnects cleanly and stops reconnecting. */
  close(): Promise<void>;
}
