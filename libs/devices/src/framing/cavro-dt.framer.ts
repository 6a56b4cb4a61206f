import { FrameParser } from './frame-parser';

const END = Buffer.from('\x03\r\n', 'latin1');
const SLASH = 0x2f;

/** Cavro DT replies: [0xFF] '/' '0' <status> [data] ETX CR LF; emits "0<status>[data]" (sync byte and slash stripped). */
export class CavroDtFramer extends FrameParser {
  protected extract(): Buffer | undefined {
    const end = this.buffer.indexOf(END);
    if (end < 0) return undefined;
    const slash = this.buffer.lastIndexOf(SLASH, end);
    if (slash < 0) {
      this.takeFrame(end + END.length); // a terminator with no start: noise
      return this.extract();
    }
    return this.takeFrame(end + END.length, slash + 1, end);
  }
}
