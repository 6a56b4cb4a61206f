import { Controller, Inject, type MessageEvent, type OnModuleDestroy, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import { merge, Observable, Subject } from 'rxjs';
import { KEYS, REDIS } from '@graftlab/runtime';
import { Roles } from '../auth/roles.decorator';
import { InstrumentTelemetryFeed } from './instrument-telemetry.feed';

/**
 * /api/events: server-sent events of device status, prompts, e-stops and run changes (one Redis subscription per
 * API process) and of the instruments' own telemetry from the broker (one MQTT subscription), fanned out to every
 * connected page.
 */
@ApiTags('events')
@Controller('api/events')
export class EventsController implements OnModuleDestroy {
  private readonly events = new Subject<MessageEvent>();
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly telemetry: InstrumentTelemetryFeed,
  ) {}

  private async ensureSubscribed(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const data = JSON.parse(message) as { type?: string };
      this.events.next({ type: data.type ?? 'message', data });
    });
    await this.subscriber.subscribe(KEYS.events);
  }

  @Sse()
  // EventSource cannot send headers: the dashboard is authenticated by its session cookie, scripts by Bearer.
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'one `data:` JSON line per event: {type: device, device} | {type: telemetry, telemetry: {deviceId, name, value, unit, ts}} | {type: prompt, prompt} | {type: estop, devices} | ...',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiOperation({ summary: 'Live events (text/event-stream): device, telemetry, prompt, estop, run' })
  stream(): Observable<MessageEvent> {
    void this.ensureSubscribed();
    return merge(this.events.asObservable(), this.telemetry.stream());
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
    this.events.complete();
  }
}
