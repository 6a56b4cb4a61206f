/** One unit on the wire as the twin saw it: a whole host request, or one device write. */
export interface TraceEntry {
  /** host = host->device, device = device->host. */
  readonly dir: 'host' | 'device';
  readonly hex: string;
  /** Real ms since the trace started (performance.now based), and lab time (ms since epoch). */
  readonly t: number;
  readonly lab: number;
}

/** Recorder of every byte a twin received and sent, with timestamps (golden traces, post-mortems). */
export class WireTrace {
  private readonly start = performance.now();
  private readonly items: TraceEntry[] = [];

  constructor(private readonly labNow: () => number) {}

  record(dir: TraceEntry['dir'], bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.items.push({
      dir,
      hex: bytes.toString('hex'),
      t: performance.now() - this.start,
      lab: this.labNow(),
    });
  }

  entries(): readonly TraceEntry[] {
    return this.items;
  }

  clear(): void {
    this.items.length = 0;
  }
}
