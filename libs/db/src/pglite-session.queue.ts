import type { PGlite } from '@electric-sql/pglite';

interface Item {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: Error) => void;
}

/** Extended-query messages that leave a unit of work open until the client's Sync. */
const OPENS_UNIT = new Set(['P', 'B', 'D', 'E', 'C', 'H', 'd', 'F'].map((c) => c.charCodeAt(0)));

/**
 * The socket server's message queue, made session-aware. PGlite is one backend session; the stock queue
 * interleaves connections message by message, so one client's Parse/Bind/Execute can be split by another's
 * ("portal does not exist", wrong statement). This queue gives the session to one connection from its first
 * extended-query message to its Sync (and for a whole transaction), and serves others in between.
 * Written here because pglite-socket has no such mode; it keeps the stock queue's interface.
 */
export class PgliteSessionQueue {
  private queue: Item[] = [];
  private processing = false;
  /** The connection that holds the session (open extended-query unit or transaction), if any. */
  private owner: number | null = null;
  lastHandlerId: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.processQueue();
    });
  }

  async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length) {
        const index = this.owner === null ? 0 : this.queue.findIndex((i) => i.handlerId === this.owner);
        if (index < 0) break; // the owner's next message has not arrived yet: everyone else waits
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (e) {
          this.owner = null;
          item.reject(e as Error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        const opensUnit = OPENS_UNIT.has(item.message[0]);
        this.owner = opensUnit || this.db.isInTransaction() ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((i) =>
      i.handlerId === handlerId ? (i.reject(new Error('Handler disconnected')), false) : true,
    );
  }

  /** A connection that goes away gives the session back (rolling back its open transaction). */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId && this.lastHandlerId !== handlerId) return;
    if (this.db.isInTransaction() && (this.owner === handlerId || this.lastHandlerId === handlerId))
      await this.db.exec('ROLLBACK');
    if (this.owner === handlerId) this.owner = null;
    await this.processQueue();
  }
}
