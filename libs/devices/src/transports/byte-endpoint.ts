import type { Duplex } from 'node:stream';
import type { InventoryDevice } from '@graftlab/inventory';
import { SerialEndpoint } from './serial.endpoint';
import { TcpEndpoint } from './tcp.endpoint';

/** Somewhere a byte stream to an instrument can be opened (a local serial port or a serial device server). */
export interface ByteEndpoint {
  /** The transport URL, for logs and as the line's identity. */
  readonly url: string;
  /**
   * True when a new connection cannot carry bytes of the old one (a TCP device server: what it still had queued
   * for the old connection dies with it). The line then replaces the connection after a reply timed out, so a
   * reply delayed by a network cut can never be read as the answer to a later request.
   */
  readonly freshConnectionDropsLateBytes?: boolean;
  /** Opens a fresh stream; rejects when the port or server cannot be reached within timeoutMs. */
  open(timeoutMs: number, signal?: AbortSignal): Promise<Duplex>;
}

/** The endpoint an inventory entry names: serial:///dev/x (with its serial settings) or tcp://host:port. */
export function endpointFor(device: InventoryDevice): ByteEndpoint {
  const url = device.transport;
  if (url.startsWith('serial://')) {
    const path = url.slice('serial://'.length);
    if (!device.serial) throw new Error(`${device.id}: serial transport without serial settings`);
    return new SerialEndpoint(path, device.serial);
  }
  const tcp = /^tcp:\/\/([^:/]+):(\d+)$/.exec(url);
  if (tcp) return new TcpEndpoint(tcp[1], Number(tcp[2]));
  throw new Error(`${device.id}: transport ${url} is not a byte stream (serial:// or tcp://)`);
}
