import { AsyncLocalStorage } from 'node:async_hooks';
import type { InventoryDevice } from '@graftlab/inventory';
import { DeviceError } from '../capabilities/device-error';
import type { CommandOptions, DeviceEvent, DeviceStatus } from '../capabilities/device.capability';
import type { DriverContext } from '../driver-context';
import type { FramerKind } from '../framing/framer-for';
import { asDeviceError, sleepReal, throwIfAborted } from '../transports/abortable';
import { defaultLineRegistry, type LineRegistry } from '../transports/line-registry';
import type { LineEvent, LineTransaction, SerialLine, WaitOptions } from '../transports/serial-line';

/** Real-time period between completion polls (nesp-lib polls every 50 ms). */
export const POLL_MS = 20;

/**
 * Set while a completion poll runs: it only observes a command already sent (the shutter's timed exposure goes on
 * whatever we do), so it needs no lease check — and must not stop watching because the database blinked.
 */
const observing = new AsyncLocalStorage<true>();

/**
 * What the byte-stream drivers (serial lines, device servers, raw TCP instruments) share: the line (shared per
 * transport URL), events, timeouts, polling.
 * Subclasses implement the protocol; nothing here knows a command.
 */
export abstract class SerialDriver {
  readonly id: string;
  readonly driver: string;
  protected line?: SerialLine;
  protected identity?: string;
  private readonly listeners = new Set<(event: DeviceEvent) => void>();
  private unsubscribeLine?: () => void;
  /** Connection losses seen so far: a long operation that spans one cannot vouch for the device's state. */
  private disconnects = 0;

  constructor(
    protected readonly device: InventoryDevice,
    protected readonly ctx: DriverContext,
    private readonly framer: FramerKind,
    private readonly registry: LineRegistry = defaultLineRegistry,
  ) {
    this.id = device.id;
    this.driver = device.driver;
  }

  /** Default per-command timeout, ms (inventory timeoutMs). */
  protected get timeoutMs(): number {
    return this.device.timeoutMs;
  }

  async connect(options?: CommandOptions): Promise<void> {
    if (!this.line) {
      const line = this.registry.acquire(this.device, this.framer, { log: this.ctx.log });
      this.line = line;
      this.unsubscribeLine = line.onEvent((e) => this.onLineEvent(e));
    }
    try {
      await this.line.open(this.wait(options));
      await this.onConnect(options);
    } catch (e) {
      throw asDeviceError(e, this.id, options?.signal);
    }
  }

  async close(): Promise<void> {
    this.unsubscribeLine?.();
    this.unsubscribeLine = undefined;
    const line = this.line;
    this.line = undefined;
    if (line) await this.registry.release(line);
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Protocol work right after the line opens (init, throw-away queries). */
  protected abstract onConnect(options?: CommandOptions): Promise<void>;

  /** Frames no request asked for; most protocols never send any. */
  protected onUnsolicited(_frame: Buffer): void {}

  protected emit(event: DeviceEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.ctx.log?.({ event: 'listener-error', deviceId: this.id, error: String(e) });
      }
    }
  }

  protected telemetry(name: string, value: number, unit: string): void {
    this.emit({
      type: 'telemetry',
      telemetry: { deviceId: this.id, name, value, unit, at: this.ctx.clock.now() },
    });
  }

  protected wait(options?: CommandOptions, timeoutMs?: number): WaitOptions {
    return {
      deviceId: this.id,
      timeoutMs: options?.timeoutMs ?? timeoutMs ?? this.timeoutMs,
      signal: options?.signal,
    };
  }

  /** Runs fn holding the line; anything thrown becomes a DeviceError. */
  protected async transact<T>(
    options: CommandOptions | undefined,
    fn: (tx: LineTransaction) => Promise<T>,
  ): Promise<T> {
    const line = this.line;
    if (!line) throw new DeviceError('disconnected', this.id, 'not connected (call connect first)');
    // A leased instrument cannot check a generation itself: the gate confirms it in the database (renewing the
    // lease in the same statement) immediately before the bytes go out.
    if (!observing.getStore()) await this.ctx.fence?.admit(this.id, { confirm: true });
    try {
      return await line.transact(this.wait(options), fn);
    } catch (e) {
      throw asDeviceError(e, this.id, options?.signal);
    }
  }

  /** One request, one framed reply. */
  protected request(bytes: Buffer | string, options?: CommandOptions): Promise<Buffer> {
    return this.transact(options, (tx) => tx.request(bytes));
  }

  /**
   * Polls check() every periodMs real ms until it returns a value, or DeviceError 'timeout' after totalMs real ms.
   * Each poll is its own transaction, so other devices on the line get their turn. A connection loss during the
   * wait fails it with 'disconnected' even if the line comes back (the device may have been power-cycled).
   */
  protected async pollUntil<T>(
    what: string,
    totalMs: number,
    options: CommandOptions | undefined,
    check: () => Promise<T | undefined>,
    periodMs = POLL_MS,
  ): Promise<T> {
    const deadline = performance.now() + totalMs;
    const epoch = this.disconnects;
    for (;;) {
      throwIfAborted(options?.signal);
      if (this.disconnects !== epoch) {
        throw new DeviceError('disconnected', this.id, `connection lost while waiting for ${what}`);
      }
      const result = await observing.run(true, check);
      if (result !== undefined) return result;
      if (performance.now() >= deadline) {
        throw new DeviceError('timeout', this.id, `${what} not reached within ${Math.round(totalMs)} ms`);
      }
      await sleepReal(periodMs, options?.signal);
    }
  }

  /** Best effort safe state after a failed physical command; the original error is what the caller sees. */
  protected async safeStateAfterFailure(safe: () => Promise<void>): Promise<void> {
    try {
      await safe();
    } catch (e) {
      this.ctx.log?.({ event: 'safe-state-failed', deviceId: this.id, error: String(e) });
    }
  }

  protected statusOf(state: DeviceStatus['state'], detail: Record<string, unknown>): DeviceStatus {
    return {
      deviceId: this.id,
      driver: this.driver,
      state,
      identity: this.identity,
      detail,
      at: this.ctx.clock.now(),
    };
  }

  private onLineEvent(event: LineEvent): void {
    switch (event.type) {
      case 'connected':
        this.emit({ type: 'connected' });
        break;
      case 'disconnected':
        this.disconnects++;
        this.emit({ type: 'disconnected', reason: event.reason });
        break;
      case 'unsolicited':
        this.onUnsolicited(event.frame);
        break;
    }
  }
}

/** Parses a decimal number or throws a protocol DeviceError naming what was expected. */
export function parseNumber(deviceId: string, text: string, what: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new DeviceError('protocol', deviceId, `expected ${what}, got ${JSON.stringify(text)}`);
  }
  return value;
}
