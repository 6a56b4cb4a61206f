import { FrameParser } from './frame-parser';

const PROMPT = Buffer.from('> ', 'latin1');

/**
 * SC10 replies: "<echo>\r[<value>\r]> ". Accumulates until the prompt, drops the echo line and emits the value
 * lines joined by CR (an empty Buffer for commands that only echo).
 */
export class Sc10Framer extends FrameParser {
  protected extract(): Buffer | undefined {
    const end = this.buffer.indexOf(PROMPT);
    if (end < 0) return undefined;
    const text = this.takeFrame(end + PROMPT.length, 0, end).toString('latin1');
    const lines = text.split('\r');
    if (lines[lines.length - 1] === '') lines.pop();
    return Buffer.from(lines.slice(1).join('\r'), 'latin1');
  }
}
