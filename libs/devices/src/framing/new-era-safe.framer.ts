import { FrameParser } from './frame-parser';
import { crc16Xmodem } from './crc16-xmodem';

const STX = 0x02;
const ETX = 0x03;

/**
 * New Era safe mode: STX <len> <data> <crc hi> <crc lo> ETX, where len counts itself, the data, the CRC and ETX.
 * Emits whole packets (STX..ETX); decodeSafePacket checks the CRC so a bad one is a protocol error, not a lost frame.
 */
export class NewEraSafeFramer extends FrameParser {
  protected extract(): Buffer | undefined {
    for (;;) {
      const start = this.buffer.indexOf(STX);
      if (start < 0) {
        this.buffer = Buffer.alloc(0);
        return undefined;
      }
      if (start > 0) this.buffer = this.buffer.subarray(start);
      if (this.buffer.length < 2) return undefined;
      const len = this.buffer[1];
      if (len < 4) {
        this.buffer = this.buffer.subarray(1); // impossible length: this STX was data, resync
        continue;
      }
      if (this.buffer.length < 1 + len) return undefined;
      if (this.buffer[len] !== ETX) {
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      return this.takeFrame(1 + len);
    }
  }
}

/** Builds a safe-mode packet around data (e.g. "0DIA"). */
export function encodeSafePacket(data: string | Buffer): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const crc = crc16Xmodem(body);
  return Buffer.concat([Buffer.from([STX, body.length + 4]), body, Buffer.from([crc >> 8, crc & 0xff, ETX])]);
}

/** The data of a safe-mode packet, or undefined when its CRC or length is wrong. */
export function decodeSafePacket(packet: Buffer): Buffer | undefined {
  if (packet.length < 5 || packet[0] !== STX || packet[packet.length - 1] !== ETX) return undefined;
  if (packet[1] !== packet.length - 1) return undefined;
  const body = packet.subarray(2, packet.length - 3);
  const crc = (packet[packet.length - 3] << 8) | packet[packet.length - 2];
  return crc16Xmodem(body) === crc ? Buffer.from(body) : undefined;
}
