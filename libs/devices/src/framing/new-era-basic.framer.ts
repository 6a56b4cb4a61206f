import { FrameParser } from './frame-parser';

const STX = 0x02;
const ETX = 0x03;

/** New Era basic mode: STX <response> ETX with no CR/LF; emits the response without STX/ETX. */
export class NewEraBasicFramer extends FrameParser {
  protected extract(): Buffer | undefined {
    const start = this.buffer.indexOf(STX);
    if (start < 0) {
      this.buffer = Buffer.alloc(0); // nothing but noise so far
      return undefined;
    }
    const end = this.buffer.indexOf(ETX, start + 1);
    if (end < 0) {
      this.buffer = this.buffer.subarray(start);
      return undefined;
    }
    // A second STX before the ETX means the first frame was cut: resync on the later one.
    const restart = this.buffer.lastIndexOf(STX, end);
    return this.takeFrame(end + 1, restart + 1, end);
  }
}
