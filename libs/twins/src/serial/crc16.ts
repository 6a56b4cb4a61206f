/**
 * CRC-16/XMODEM for New Era safe-mode packets (poly 0x1021, init 0; SAF0 -> 0x55 0x43).
 * The twin keeps its own copy so it depends on no driver code: a shared bug would make both sides agree wrongly.
 */
export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
