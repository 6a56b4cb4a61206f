import { DeviceError } from '../../capabilities/device-error';

/** A DT answer as the framer emits it: "0<status>[data]" (sync byte, slash and ETX CR LF removed). */
export interface CavroReply {
  /** Bit 5 of the status byte: 1 = ready/idle, 0 = busy. */
  readonly ready: boolean;
  /** Low nibble of the status byte (0 = no error). */
  readonly error: number;
  readonly data: string;
}

/** XP3000 Table 3-8. */
export const CAVRO_ERRORS: Record<number, string> = {
  1: 'initialization error',
  2: 'invalid command',
  3: 'invalid operand',
  4: 'invalid command sequence',
  5: 'fluid detection',
  6: 'EEPROM failure',
  7: 'device not initialized',
  9: 'plunger overload',
  10: 'valve overload',
  11: 'plunger move not allowed',
  15: 'command overflow',
};

export function parseCavroReply(deviceId: string, frame: Buffer): CavroReply {
  // Bit 6 is always set and bit 7 never is; anything else is not a status byte.
  if (frame.length < 2 || frame[0] !== 0x30 || (frame[1] & 0xc0) !== 0x40) {
    throw new DeviceError('protocol', deviceId, `not a Cavro DT answer: ${frame.toString('hex')}`);
  }
  return {
    ready: (frame[1] & 0x20) !== 0,
    error: frame[1] & 0x0f,
    data: frame.subarray(2).toString('latin1'),
  };
}
