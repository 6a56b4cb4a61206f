import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { DeviceError } from '../capabilities/device-error';
import { createFramer, type FramerKind } from '../framing/framer-for';
import type { FrameParser } from '../framing/frame-parser';
import { abortReason } from './abortable';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { ByteEndpoint } from './byte-endpoint';
import { LineMutex } from './line-mutex';

export type LineEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  /** A frame nobody asked for (New Era safe-mode alarm packets, a late reply after a timeout). */
  | { type: 'unsolicited'; frame: Buffer };

export interface LineOptions {
  readonly endpoint: ByteEndpoint;
  readonly framer: FramerKind;
  /** This many timeouts in a row mean the port is gone even if no close event came (USB unplug on some drivers). */
  readonly maxConsecutiveTimeouts?: number;
  readonly backoff?: BackoffOptions;
  /** Timeout for each open attempt, ms. */
  readonly openTimeoutMs?: number;
  /**
   * After a request timed out or was abandoned, the line must be quiet this long (ms) before the next request goes
   * out: bytes arriving sooner are the late reply to the old request, not an answer to the new one.
   */
  readonly resyncQuietMs?: number;
  /**
   * How long (ms) the next request waits at most for the reply to an abandoned request that has not come. Short on
   * purpose: the next request may be a safe-state command (close the shutter, stop the pump), which must not wait
   * for a device that stays silent; a reply later than this can still be misread, as without any resync.
   */
  readonly resyncMaxMs?: number;
  readonly log?: (event: Record<string, unknown>) => void;
}

/** Per-call wait limits; deviceId attributes errors on a shared (multi-drop) line. */
export interface WaitOptions {
  readonly deviceId: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** What a driver can do while it holds the line. */
export interface LineTransaction {
  write(bytes: Buffer | string): Promise<void>;
  /** The next frame, or DeviceError 'timeout' / 'disconnected'. */
  read(): Promise<Buffer>;
  /** write then read. */
  request(bytes: Buffer | string): Promise<Buffer>;
}

interface FrameWaiter {
  resolve(frame: Buffer): void;
  reject(error: Error): void;
}

/**
 * One serial line (a port or a device-server socket), shared by every device on it: open and reopen with backoff,
 * a fresh framer per connection, and one transaction at a time (multi-drop buses allow one request in flight).
 */
export class SerialLine {
  private stream?: Duplex;
  private parser?: FrameParser;
  private readonly frames: Buffer[] = [];
  private waiter?: FrameWaiter;
  private readonly mutex = new LineMutex();
  private readonly listeners = new Set<(event: LineEvent) => void>();
  private inTransaction = false;
  private consecutiveTimeouts = 0;
  private closing = false;
  private everOpened = false;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempt = 0;
  private opening?: Promise<void>;
  private readonly connectedWaiters = new Set<() => void>();
  /**
   * A request is outstanding whose reply may still come (it timed out or was abandoned): resync before the next.
   * `replyBy` is when its reply was due (monotonic ms): an abandoned request may still be answered until then.
   */
  private desynced?: { at: number; replyBy: number };
  /** Monotonic ms of the last bytes received, complete frame or not. */
  private lastBytesAt = 0;

  constructor(private readonly options: LineOptions) {}

  get url(): string {
    return this.options.endpoint.url;
  }

  get isOpen(): boolean {
    return this.stream !== undefined;
  }

  onEvent(listener: (event: LineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the line once (connect); rejects with DeviceError 'disconnected' when it cannot be reached. */
  async open(wait: WaitOptions): Promise<void> {
    this.closing = false;
    if (this.stream) return;
    this.opening ??= this.openOnce(wait).finally(() => (this.opening = undefined));
    await this.opening;
  }

  /** Runs fn with the line held exclusively (FIFO among all devices of the line). */
  async transact<T>(wait: WaitOptions, fn: (tx: LineTransaction) => Promise<T>): Promise<T> {
    const release = await this.mutex.acquire(wait.signal);
    try {
      await this.ensureOpen(wait);
      this.inTransaction = true;
      if (this.desynced) await this.resync(wait, this.desynced);
      this.frames.length = 0; // late replies to earlier, timed-out requests are not answers to this one
      const tx: LineTransaction = {
        write: (bytes) => this.write(bytes, wait),
        read: () => this.read(wait),
        request: async (bytes) => {
          await this.write(bytes, wait);
          return this.read(wait);
        },
      };
      return await fn(tx);
    } finally {
      this.inTransaction = false;
      release();
    }
  }

  /**
   * Waits until the line has been quiet for resyncQuietMs since the abandoned request (bounded by the timeout),
   * then drops whatever came meanwhile: clearing the buffer alone is not enough, because a late reply can arrive
   * after the next request was written and would be read as its answer (a stale status, a stale weight).
   */
  private async resync(wait: WaitOptions, desynced: { at: number; replyBy: number }): Promise<void> {
    const quietMs = this.options.resyncQuietMs ?? 100;
    // Bounded: a silent device, or one that never falls quiet, gets the next request after this anyway.
    const deadline = performance.now() + Math.max(quietMs, this.options.resyncMaxMs ?? 250);
    for (;;) {
      const now = performance.now();
      const answered = this.lastBytesAt > desynced.at; // the old reply (or part of it) came
      const waitFor = Math.max(
        answered ? 0 : desynced.replyBy - now,
        Math.max(this.lastBytesAt, desynced.at) + quietMs - now,
      );
      if (waitFor <= 0 || now >= deadline) break;
      // Short sleeps: the old reply may come at any moment, and then only the quiet gap is left to wait.
      await new Promise((r) => setTimeout(r, Math.min(waitFor, deadline - now, quietMs / 2) + 1));
      if (wait.signal?.aborted) throw abortReason(wait.signal);
    }
    this.parser?.reset();
    this.frames.length = 0;
    this.desynced = undefined;
  }

  /** Closes the line for good (no reconnect). */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const stream = this.stream;
    this.detach(new DeviceError('disconnected', this.url, 'line closed'));
    if (stream) await destroyStream(stream);
  }

  private async openOnce(wait: WaitOptions): Promise<void> {
    try {
      const stream = await this.options.endpoint.open(
        this.options.openTimeoutMs ?? wait.timeoutMs,
        wait.signal,
      );
      if (this.closing) {
        await destroyStream(stream);
        throw new Error('line closed while opening');
      }
      if (this.stream)
        await destroyStream(stream); // a reconnect won the race
      else this.attach(stream);
    } catch (e) {
      if (wait.signal?.aborted) throw abortReason(wait.signal);
      throw new DeviceError(
        'disconnected',
        wait.deviceId,
        `cannot open ${this.url}: ${(e as Error).message}`,
      );
    }
  }

  /** Waits for a reconnect in progress, or opens a line that was never (or is no longer being) opened. */
  private async ensureOpen(wait: WaitOptions): Promise<void> {
    if (this.stream) return;
    if (!this.everOpened || this.closing || !this.reconnectTimer) return this.open(wait);
    await new Promise<void>((resolve, reject) => {
      const onConnected = () => done();
      const timer = setTimeout(
        () =>
          done(new DeviceError('disconnected', wait.deviceId, `${this.url} is not connected (reconnecting)`)),
        wait.timeoutMs,
      );
      const onAbort = () => done(abortReason(wait.signal!));
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.connectedWaiters.delete(onConnected);
        wait.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      this.connectedWaiters.add(onConnected);
      wait.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private attach(stream: Duplex): void {
    // A fresh parser per connection: a half frame from the dead connection must not prefix the first new reply.
    const parser = createFramer(this.options.framer);
    this.stream = stream;
    this.parser = parser;
    this.everOpened = true;
    this.consecutiveTimeouts = 0;
    this.reconnectAttempt = 0;
    this.frames.length = 0;
    this.desynced = undefined; // a new connection carries no reply of the old one
    stream.on('data', () => (this.lastBytesAt = performance.now()));
    stream.pipe(parser);
    parser.on('data', (frame: Buffer) => this.onFrame(frame));
    const lost = (reason: string) => {
      if (this.stream !== stream) return;
      this.lose(reason);
    };
    stream.on('close', () => lost('closed'));
    stream.on('end', () => lost('ended by peer'));
    stream.on('error', (e: Error) => lost(`error: ${e.message}`));
    this.emit({ type: 'connected' });
    for (const w of [...this.connectedWaiters]) w();
  }

  private detach(error: DeviceError): void {
    const stream = this.stream;
    if (stream && this.parser) stream.unpipe(this.parser);
    this.parser?.removeAllListeners('data');
    this.stream = undefined;
    this.parser = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  /** The connection is gone: fail the waiting read, report it, and schedule reopening. */
  private lose(reason: string): void {
    const stream = this.stream;
    this.detach(new DeviceError('disconnected', this.url, `line lost: ${reason}`));
    if (stream) void destroyStream(stream);
    this.options.log?.({ event: 'line-lost', url: this.url, reason });
    this.emit({ type: 'disconnected', reason });
    if (!this.closing) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.reconnectAttempt++, this.options.backoff ?? DEFAULT_BACKOFF);
    this.reconnectTimer = setTimeout(() => {
      if (this.closing || this.stream) return;
      this.options.endpoint.open(this.options.openTimeoutMs ?? 2000).then(
        (stream) => {
          this.reconnectTimer = undefined;
          if (this.closing || this.stream) void destroyStream(stream);
          else this.attach(stream);
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private onFrame(frame: Buffer): void {
    this.consecutiveTimeouts = 0;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve(frame);
    } else if (this.inTransaction) this.frames.push(frame);
    else this.emit({ type: 'unsolicited', frame });
  }

  private write(bytes: Buffer | string, wait: WaitOptions): Promise<void> {
    const stream = this.stream;
    if (!stream)
      return Promise.reject(new DeviceError('disconnected', wait.deviceId, `${this.url} is not open`));
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    return new Promise((resolve, reject) => {
      // The callback means "handed to the OS"; a hung driver never calls it, so the write has a timeout too.
      const timer = setTimeout(
        () => reject(new DeviceError('timeout', wait.deviceId, `write to ${this.url} did not complete`)),
        wait.timeoutMs,
      );
      stream.write(data, (err) => {
        clearTimeout(timer);
        if (err) reject(new DeviceError('disconnected', wait.deviceId, `write failed: ${err.message}`));
        else resolve();
      });
    });
  }

  private read(wait: WaitOptions): Promise<Buffer> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    if (!this.stream)
      return Promise.reject(new DeviceError('disconnected', wait.deviceId, `${this.url} is not open`));
    if (wait.signal?.aborted) return Promise.reject(abortReason(wait.signal));
    const replyBy = performance.now() + wait.timeoutMs;
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => {
        this.desynced = { at: performance.now(), replyBy };
        settle(abortReason(wait.signal!));
      };
      const timer = setTimeout(() => {
        this.parser?.reset(); // a half reply must not glue onto the next one
        // and a whole one may still come: the next transaction resyncs
        this.desynced = { at: performance.now(), replyBy: performance.now() };
        this.consecutiveTimeouts++;
        const limit = this.options.maxConsecutiveTimeouts ?? 3;
        settle(
          new DeviceError('timeout', wait.deviceId, `no reply within ${wait.timeoutMs} ms on ${this.url}`),
        );
        if (this.consecutiveTimeouts >= limit && this.stream) {
          this.lose(`${this.consecutiveTimeouts} consecutive timeouts`);
        } else if (this.options.endpoint.freshConnectionDropsLateBytes && this.stream) {
          // The late reply may come at any time (TCP retransmits it once a cut link is back): on a new connection
          // it cannot arrive at all.
          this.lose(`no reply within ${wait.timeoutMs} ms: the connection is replaced`);
        }
      }, wait.timeoutMs);
      const settle = (err: Error | undefined, frame?: Buffer) => {
        clearTimeout(timer);
        wait.signal?.removeEventListener('abort', onAbort);
        if (this.waiter === entry) this.waiter = undefined;
        if (err) reject(err);
        else resolve(frame!);
      };
      const entry: FrameWaiter = { resolve: (f) => settle(undefined, f), reject: (e) => settle(e) };
      this.waiter = entry;
      wait.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private emit(event: LineEvent): void {
    for (const l of [...this.listeners]) l(event);
  }
}

/** Closes a stream and waits (briefly) until it is really closed, so a pty can be reopened at once. */
async function destroyStream(stream: Duplex): Promise<void> {
  if (stream.destroyed) return;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    timer = setTimeout(resolve, 500);
  });
  stream.destroy();
  await closed;
  clearTimeout(timer);
}
