import { Transform, type TransformCallback } from 'node:stream';

/** Longest run of bytes kept while waiting for a frame end; beyond it the buffer is line noise. */
export const MAX_FRAME_BYTES = 4096;

/**
 * Base of every protocol framer: a Transform that takes arbitrarily chunked bytes and pushes whole frames
 * (one Buffer per frame). Subclasses only say where the next frame is.
 */
export abstract class FrameParser extends Transform {
  protected buffer: Buffer = Buffer.alloc(0);

  constructor(
    /** Longest frame this protocol sends (SCPI data arrays run to tens of kB). */
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    super({ readableObjectMode: true });
  }

  /** Drops any partial frame (after a timeout, so half a reply cannot glue onto the next one). */
  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  /** Extracts the next complete frame from this.buffer (consuming it), or returns undefined to wait for more. */
  protected abstract extract(): Buffer | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let frame = this.extract(); frame !== undefined; frame = this.extract()) this.push(frame);
    if (this.buffer.length > this.maxFrameBytes) this.buffer = Buffer.alloc(0);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.buffer = Buffer.alloc(0);
    callback();
  }

  /** Consumes bytes [0, end) and returns [start, stop) of them. */
  protected takeFrame(end: number, start = 0, stop = end): Buffer {
    const frame = Buffer.from(this.buffer.subarray(start, stop));
    this.buffer = this.buffer.subarray(end);
    return frame;
  }
}
