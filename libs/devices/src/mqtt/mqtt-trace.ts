/**
 * Golden traces of MQTT exchanges (PyLabRobot's capture/validate idea on MQTT): the messages of a run with
 * the lab id, client id, correlation data and timestamps normalized, so a recording can be replayed as a test.
 */
export interface TracedMessage {
  readonly dir: 'host→device' | 'device→host';
  /** Topic with the lab as <lab> and the requester's clientId as <client>. */
  readonly topic: string;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  /** JSON payload with ts fields set to 0. */
  readonly payload: unknown;
  readonly responseTopic?: string;
  /** Correlation data labelled C1, C2, ... by first appearance. */
  readonly correlation?: string;
  readonly messageExpiryInterval?: number;
}

export interface MqttTrace {
  readonly description: string;
  readonly messages: readonly TracedMessage[];
}

/** Normalizes live messages into trace entries (labels correlation data in order of appearance). */
export class TraceNormalizer {
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly labId: string,
    private readonly clientId: string,
  ) {}

  topic(t: string): string {
    return t.split(this.labId).join('<lab>').split(this.clientId).join('<client>');
  }

  correlation(data: Buffer | undefined): string | undefined {
    if (!data) return undefined;
    const hex = data.toString('hex');
    if (!this.labels.has(hex)) this.labels.set(hex, `C${this.labels.size + 1}`);
    return this.labels.get(hex);
  }

  payload(raw: Buffer): unknown {
    try {
      return JSON.parse(raw.toString(), (k, v: unknown) => (k === 'ts' && typeof v === 'number' ? 0 : v));
    } catch {
      return raw.toString();
    }
  }
}
