import { Inject, Injectable, type MessageEvent, type OnModuleDestroy } from '@nestjs/common';
import { connect, type MqttClient } from 'mqtt';
import { PinoLogger } from 'nestjs-pino';
import { Subject, type Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { parseJsonObject, TOPIC_ROOT, uniqueClientId } from '@graftlab/devices';
import type { Inventory } from '@graftlab/inventory';
import { INVENTORY } from '@graftlab/runtime';

export interface TelemetryEvent {
  readonly type: 'telemetry';
  readonly telemetry: {
    readonly deviceId: string;
    readonly name: string;
    readonly value: unknown;
    readonly unit?: string;
    /** Lab time of the reading, as the instrument stamped it. */
    readonly ts?: number;
  };
}

/** `graftlab/<lab>/<device>/telemetry/<name>` with a `{value, unit, ts}` payload → the event, or undefined. */
export function telemetryEventOf(labId: string, topic: string, payload: Buffer): TelemetryEvent | undefined {
  const parts = topic.split('/');
  if (parts.length < 5 || parts[0] !== TOPIC_ROOT || parts[1] !== labId || parts[3] !== 'telemetry')
    return undefined;
  const body = parseJsonObject(payload);
  if (!body || !('value' in body)) return undefined;
  return {
    type: 'telemetry',
    telemetry: {
      deviceId: parts[2],
      name: parts.slice(4).join('/'),
      value: body.value,
      unit: typeof body.unit === 'string' ? body.unit : undefined,
      ts: typeof body.ts === 'number' ? body.ts : undefined,
    },
  };
}

/**
 * The instruments' own telemetry (O₂, flows, temperatures published on the broker) for /api/events. The API only
 * reads these topics (its broker account may read, not command); one subscription per API process, opened when
 * the first page listens, fans out to every page.
 */
@Injectable()
export class InstrumentTelemetryFeed implements OnModuleDestroy {
  private readonly events = new Subject<MessageEvent>();
  private client?: MqttClient;
  private readonly labId: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INVENTORY) inventory: Inventory,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(InstrumentTelemetryFeed.name);
    this.labId = config.lab.id ?? inventory.id;
  }

  stream(): Observable<MessageEvent> {
    this.ensureSubscribed();
    return this.events.asObservable();
  }

  private ensureSubscribed(): void {
    if (this.client || !this.config.mqtt.url) return;
    const { url, username, password, protocolVersion } = this.config.mqtt;
    this.client = connect(url, {
      username,
      password,
      protocolVersion,
      clientId: uniqueClientId('graftlab-api-telemetry'),
      reconnectPeriod: 1000,
      connectTimeout: 3000,
      // Telemetry is a live view: a reading missed during an outage is not worth replaying.
      clean: true,
    });
    this.client.on('error', (e) => this.logger.warn({ err: e.message }, 'telemetry feed: broker problem'));
    this.client.on('connect', () => {
      this.client?.subscribe(`${TOPIC_ROOT}/${this.labId}/+/telemetry/#`, { qos: 0 }, (err) => {
        if (err) this.logger.warn({ err: err.message }, 'telemetry feed: subscription refused');
      });
    });
    this.client.on('message', (topic, payload) => {
      const event = telemetryEventOf(this.labId, topic, payload);
      if (event) this.events.next({ type: event.type, data: event });
    });
  }

  onModuleDestroy(): void {
    this.client?.end(true);
    this.events.complete();
  }
}
