import { createServer, type Server, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import type { InventoryDevice } from '@graftlab/inventory';
import { ActiveFaultPlan } from '../faults/active-fault-plan';
import type { Fault, FaultKind, FaultPlan } from '../faults/fault-plan';
import type { LabWorld } from '../world/lab-world';
import { spawnPtyPair, type PtyPair } from './pty-pair';
import { WireTrace } from './wire-trace';

/** Twin-side ground truth, independent of what any driver believes (crash and recovery tests). */
export interface TwinCounters {
  /** Volume actually delivered into the world, mL (pumps). */
  readonly dispensedMl: number;
  /** Completed timed exposures and their summed open time, lab ms (shutters). */
  readonly exposures: number;
  readonly cumulativeOpenMs: number;
}

export interface SerialTwin {
  readonly deviceId: string;
  readonly faults: FaultPlan;
  readonly trace: WireTrace;
  /** Serves the protocol on a TCP port (a serial device server stand-in); port 0 picks a free one. */
  listen(host: string, port: number): Promise<void>;
  /** The bound TCP port after listen(). */
  readonly port: number | undefined;
  /** Serves on one end of a socat pty pair; a driver opens hostPath. */
  attachPty(): Promise<{ devicePath: string; hostPath: string }>;
  counters(): TwinCounters;
  /** The instrument's internal state, for assertions (e.g. running, shutter closed, heater on). */
  state(): Readonly<Record<string, unknown>>;
  /** Whether the instrument is in its safe state (pump stopped, shutter closed, heater off, gas at its safe flow). */
  isSafe(): boolean;
  close(): Promise<void>;
}

/** One host connection: a TCP socket or the twin's pty end. */
export interface TwinLink {
  write(bytes: Buffer): void;
  destroy(): void;
}

interface LinkState {
  readonly link: TwinLink;
  rx: Buffer;
  busy: Promise<void>;
}

const ZERO_COUNTERS: TwinCounters = { dispensedMl: 0, exposures: 0, cumulativeOpenMs: 0 };

/**
 * The transport half every serial twin shares: TCP server or pty, request splitting, the wire-level faults
 * (no-reply, garble, partial, slow, drop-connection, unplug) and the trace. Subclasses speak the protocol.
 */
export abstract class SerialTwinBase implements SerialTwin {
  readonly faults: FaultPlan = new ActiveFaultPlan((change) => this.onFaultChange(change));
  readonly trace: WireTrace;
  readonly deviceId: string;
  private server?: Server;
  private listenAddress?: { host: string; port: number };
  private pty?: { pair: PtyPair; port: SerialPort };
  private readonly links = new Set<LinkState>();
  private unplugWatch?: NodeJS.Timeout;
  private closed = false;

  constructor(
    protected readonly device: InventoryDevice,
    protected readonly world: LabWorld,
  ) {
    this.deviceId = device.id;
    this.trace = new WireTrace(() => world.clock.now());
  }

  get port(): number | undefined {
    return this.listenAddress?.port;
  }

  /** Splits complete requests off the front of buf; returns them and the unconsumed rest. */
  protected abstract split(buf: Buffer): { requests: Buffer[]; rest: Buffer };

  /** The reply to one request, or undefined when the instrument sends nothing (e.g. JULABO out_ commands). */
  protected abstract handle(request: Buffer): Promise<Buffer | undefined> | Buffer | undefined;

  abstract state(): Readonly<Record<string, unknown>>;
  abstract isSafe(): boolean;

  counters(): TwinCounters {
    return ZERO_COUNTERS;
  }

  /** Byte range [start, end) a garble fault corrupts; the default spares the first byte and the last two (framing). */
  protected garbleRange(reply: Buffer): [number, number] {
    return [1, Math.max(1, reply.length - 2)];
  }

  /** A corrupted copy of a reply: high bits set inside garbleRange, so no delimiter appears and no parser accepts it. */
  protected garble(reply: Buffer): Buffer {
    const out = Buffer.from(reply);
    const [start, end] = this.garbleRange(out);
    for (let i = start; i < end; i++) out[i] ^= 0x80;
    return out;
  }

  /** A new host link came up (New Era safe mode announces its power-on alarm here). */
  protected onLink(_link: TwinLink): void {}

  /** Sends bytes the instrument emits on its own to every connected host. */
  protected broadcast(bytes: Buffer): void {
    for (const s of this.links) this.send(s.link, bytes);
  }

  async listen(host: string, port: number): Promise<void> {
    this.listenAddress = { host, port };
    await this.startServer();
  }

  async attachPty(): Promise<{ devicePath: string; hostPath: string }> {
    const pair = await spawnPtyPair();
    const port = new SerialPort({
      path: pair.devicePath,
      baudRate: this.device.serial?.baudRate ?? 9600,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const link: TwinLink = {
      write: (bytes) => {
        if (port.isOpen) port.write(bytes);
      },
      destroy: () => this.unplugPty(),
    };
    this.pty = { pair, port };
    const state = this.addLink(link);
    port.on('data', (chunk: Buffer) => this.onData(state, chunk));
    port.on('error', () => undefined);
    return { devicePath: pair.devicePath, hostPath: pair.hostPath };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.unplugWatch);
    for (const s of [...this.links]) s.link.destroy();
    this.links.clear();
    await this.stopServer();
    this.unplugPty();
    this.dispose();
  }

  /** Timers of the instrument model to stop on close. */
  protected dispose(): void {}

  private async startServer(): Promise<void> {
    const address = this.listenAddress!;
    const server = createServer((socket) => this.onSocket(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    if (bound && typeof bound === 'object') this.listenAddress = { host: address.host, port: bound.port };
    this.server = server;
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onSocket(socket: Socket): void {
    socket.setNoDelay(true);
    const link: TwinLink = { write: (b) => socket.write(b), destroy: () => socket.destroy() };
    const state = this.addLink(link);
    socket.on('data', (chunk: Buffer) => this.onData(state, chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.links.delete(state));
  }

  private addLink(link: TwinLink): LinkState {
    const state: LinkState = { link, rx: Buffer.alloc(0), busy: Promise.resolve() };
    this.links.add(state);
    this.onLink(link);
    return state;
  }

  private onData(state: LinkState, chunk: Buffer): void {
    state.rx = Buffer.concat([state.rx, chunk]);
    const { requests, rest } = this.split(state.rx);
    state.rx = rest;
    for (const request of requests) {
      // Requests on one link are answered in order; MT-SICS S blocks the instrument while it settles.
      state.busy = state.busy.then(() => this.serve(state, request)).catch(() => undefined);
    }
  }

  private async serve(state: LinkState, request: Buffer): Promise<void> {
    if (!this.links.has(state)) return;
    this.trace.record('host', request);
    if (this.faults.has('unplug')) return this.unplug();
    if (this.faults.take('drop-connection')) return this.dropLink(state);
    if (this.faults.take('no-reply')) return;
    const reply = await this.handle(request);
    if (!reply || !this.links.has(state)) return;
    const slow = this.faults.take('slow');
    if (slow) await new Promise((r) => setTimeout(r, slow.delayMs));
    let out = reply;
    if (this.faults.take('garble')) out = this.garble(reply);
    if (this.faults.take('partial')) out = out.subarray(0, Math.max(1, Math.floor(out.length / 2)));
    this.send(state.link, out);
  }

  private send(link: TwinLink, bytes: Buffer): void {
    this.trace.record('device', bytes);
    link.write(bytes);
  }

  /** drop-connection and unplug act at once, not at the next request; clearing unplug plugs back in. */
  private onFaultChange(change: { injected?: Fault; cleared?: FaultKind[] }): void {
    if (change.injected?.kind === 'drop-connection') {
      this.faults.clear('drop-connection');
      // On a pty there is no connection to drop: the cable goes (socat ends), as with a USB unplug.
      for (const s of [...this.links]) this.dropLink(s);
    }
    if (change.injected?.kind === 'unplug') this.unplug();
  }

  private dropLink(state: LinkState): void {
    state.link.destroy();
    this.links.delete(state);
  }

  /** Pulls the plug: every link and the server go away until the fault is cleared. */
  private unplug(): void {
    for (const s of [...this.links]) s.link.destroy();
    this.links.clear();
    if (this.unplugWatch || this.closed) return;
    void this.stopServer();
    this.unplugWatch = setInterval(() => {
      if (this.faults.has('unplug') || this.closed) return;
      clearInterval(this.unplugWatch);
      this.unplugWatch = undefined;
      if (this.listenAddress) this.startServer().catch(() => undefined);
    }, 10);
    this.unplugWatch.unref();
  }

  private unplugPty(): void {
    const pty = this.pty;
    this.pty = undefined;
    if (!pty) return;
    if (pty.port.isOpen) pty.port.close(() => undefined);
    pty.pair.process.kill();
  }
}
