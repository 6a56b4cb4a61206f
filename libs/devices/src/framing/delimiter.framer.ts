import { FrameParser } from './frame-parser';

/** Frames ending in a fixed delimiter (MT-SICS and JULABO: CR LF; Alicat: CR). The delimiter is not kept. */
export class DelimiterFramer extends FrameParser {
  private readonly delimiter: Buffer;

  constructor(
    delimiter: string,
    /** Bytes stripped from every frame (Alicat pads with NUL; a lone LF from CR LF devices). */
    private readonly strip: RegExp | undefined = undefined,
    maxFrameBytes?: number,
  ) {
    super(maxFrameBytes);
    this.delimiter = Buffer.from(delimiter, 'latin1');
  }

  protected extract(): Buffer | undefined {
    const end = this.buffer.indexOf(this.delimiter);
    if (end < 0) return undefined;
    const frame = this.takeFrame(end + this.delimiter.length, 0, end);
    if (!this.strip) return frame;
    return Buffer.from(frame.toString('latin1').replace(this.strip, ''), 'latin1');
  }
}

/** MT-SICS and JULABO replies: one line per CR LF. */
export class CrLfFramer extends DelimiterFramer {
  constructor() {
    super('\r\n');
  }
}

/** SCPI over a raw socket: one response message per LF; a CR before it is tolerated. 1601-point arrays fit. */
export class ScpiFramer extends DelimiterFramer {
  constructor() {
    super('\n', /\r/g, 1 << 20);
  }
}

/** Alicat replies: CR-terminated; NULs and stray LFs are line noise (numat strips \x00). */
export class AlicatFramer extends DelimiterFramer {
  constructor() {
    super('\r', /[\0\n]/g);
  }
}
