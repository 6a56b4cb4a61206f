import { randomUUID } from 'node:crypto';
import type { InventoryDevice } from '@graftlab/inventory';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceEvent, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { FENCE_FIELD } from '../../fencing/command-fence';
import type { MqttLink, MqttMessage } from '../mqtt-link';
import { deviceTopic, parseJsonObject, topics, type CommandPayload, type ReplyPayload } from '../mqtt-topics';

/**
 * What every MQTT driver shares: the device's retained status (online/offline via its last will),
 * events, and MQTT 5 requests addressed to graftlab/<lab>/<device>/cmd/<name>.
 */
export abstract class MqttDeviceBase {
  readonly id: string;
  readonly driver: string;
  protected readonly link: MqttLink;
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  private offLink?: () => void;
  protected online?: boolean;
  protected firmware?: string;
  private statusWaiters: (() => void)[] = [];

  constructor(
    protected readonly device: InventoryDevice,
    protected readonly ctx: DriverContext,
  ) {
    this.id = device.id;
    this.driver = device.driver;
    if (!ctx.mqtt)
      throw new DeviceError('disconnected', device.id, 'an MQTT driver needs the MQTT link in its context');
    this.link = ctx.mqtt;
  }

  protected topic(...parts: string[]): string {
    return deviceTopic(this.ctx.labId, this.id, ...parts);
  }

  protected timeout(options?: CommandOptions): number {
    return options?.timeoutMs ?? this.device.timeoutMs;
  }

  /** Subscribes the device topics a driver needs besides its status. */
  protected abstract subscribeDevice(): Promise<void>;

  protected async track(filter: string, handler: (m: MqttMessage) => void, qos: 0 | 1 = 1): Promise<void> {
    this.unsubscribers.push(await this.link.subscribe(filter, handler, qos));
  }

  async connect(options?: CommandOptions): Promise<void> {
    if (!this.link.connected)
      throw new DeviceError('disconnected', this.id, 'not connected to the MQTT broker');
    if (this.unsubscribers.length === 0) {
      this.offLink = this.link.onEvent((e) => {
        if (e.type === 'disconnected') this.emit({ type: 'disconnected', reason: `broker: ${e.reason}` });
      });
      await this.track(topics.status(this.ctx.labId, this.id), (m) => this.onStatus(m));
      await this.subscribeDevice();
    }
    await this.waitOnline(options);
  }

  /** Waits for the retained status; a device whose last will said offline is 'disconnected'. */
  protected async waitOnline(options?: CommandOptions): Promise<void> {
    if (this.online === undefined) {
      const ms = Math.min(this.timeout(options), 3000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.statusWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (this.online === undefined)
      throw new DeviceError('timeout', this.id, 'no status published by the device');
    if (!this.online) throw new DeviceError('disconnected', this.id, 'device is offline (last will)');
  }

  private onStatus(m: MqttMessage): void {
    const s = parseJsonObject(m.payload);
    if (!s || typeof s.online !== 'boolean') return;
    const was = this.online;
    this.online = s.online;
    if (typeof s.fw === 'string') this.firmware = s.fw;
    if (was !== undefined && was !== s.online)
      this.emit(
        s.online ? { type: 'connected' } : { type: 'disconnected', reason: 'device offline (last will)' },
      );
    const waiters = this.statusWaiters;
    this.statusWaiters = [];
    waiters.forEach((w) => w());
  }

  protected emit(event: DeviceEvent): void {
    for (const l of this.listeners) l(event);
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the device for its identity (a real round trip), as the firmware reports it. */
  async identify(options?: CommandOptions): Promise<string> {
    await this.waitOnline(options);
    const reply = await this.command('identify', {}, options);
    const fw = reply.result?.fw;
    if (typeof fw !== 'string')
      throw new DeviceError('protocol', this.id, 'identify returned no firmware string');
    this.firmware = fw;
    return fw;
  }

  protected baseStatus(state: DeviceStatus['state'], detail: Record<string, unknown>): DeviceStatus {
    return {
      deviceId: this.id,
      driver: this.driver,
      state: this.online === false ? 'offline' : state,
      identity: this.firmware,
      detail,
      at: this.ctx.clock.now(),
    };
  }

  /**
   * Sends cmd/<name> as an MQTT 5 request and waits for its completion. A leased instrument's command carries the
   * lease's fencing token (payload field `fence`), which the facility controller checks against the highest it saw.
   */
  protected async command(
    name: string,
    payload: Omit<CommandPayload, 'commandId'> & { commandId?: string },
    options?: CommandOptions & { realTimeoutMs?: number },
  ): Promise<ReplyPayload> {
    if (this.online === false)
      throw new DeviceError('disconnected', this.id, 'device is offline (last will)');
    const commandId = payload.commandId ?? `${this.id}-${randomUUID()}`;
    const fence = await this.ctx.fence?.admit(this.id, { confirm: false });
    this.ctx.log?.({
      event: 'mqtt-command',
      deviceId: this.id,
      command: name,
      commandId,
      generation: fence?.generation,
    });
    return this.link.request(
      topics.command(this.ctx.labId, this.id, name),
      { ...payload, commandId, ...(fence ? { [FENCE_FIELD]: fence } : {}) },
      {
        deviceId: this.id,
        timeoutMs: options?.realTimeoutMs ?? this.timeout(options),
        acceptTimeoutMs: Math.min(this.timeout(options), 3000),
        expirySeconds: Math.max(5, Math.ceil(this.device.timeoutMs / 1000)),
        signal: options?.signal,
      },
    );
  }

  async close(): Promise<void> {
    this.offLink?.();
    const subs = this.unsubscribers.splice(0);
    await Promise.all(subs.map((u) => u()));
  }
}
