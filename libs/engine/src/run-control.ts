/** What a person asked of a run: checked by the engine at every safe point. */
export type ControlRequest =
  | { kind: 'pause'; mode: 'safe-point' | 'now'; reason: string }
  | { kind: 'abort'; reason: string }
  | { kind: 'estop'; reason: string };

/** Pause, abort and e-stop requests reach the engine through this port (Redis in the worker, memory in tests). */
export interface RunControl {
  /** The request pending for a run (an e-stop applies to every run), or undefined. */
  pending(runId: string): Promise<ControlRequest | undefined>;
  /** Clears a handled pause request (resume re-queues the run). */
  clear(runId: string): Promise<void>;
  /** Subscribes to immediate requests (abort, e-stop, pause now); returns an unsubscribe function. */
  onImmediate(listener: (runId: string | '*', request: ControlRequest) => void): () => void;
}

export class MemoryRunControl implements RunControl {
  private readonly requests = new Map<string, ControlRequest>();
  private readonly listeners = new Set<(runId: string | '*', request: ControlRequest) => void>();

  request(runId: string | '*', request: ControlRequest): void {
    this.requests.set(runId, request);
    for (const l of this.listeners) l(runId, request);
  }

  pending(runId: string): Promise<ControlRequest | undefined> {
    return Promise.resolve(this.requests.get('*') ?? this.requests.get(runId));
  }

  clear(runId: string): Promise<void> {
    this.requests.delete(runId);
    return Promise.resolve();
  }

  onImmediate(listener: (runId: string | '*', request: ControlRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
