import type { InventoryDevice } from '@graftlab/inventory';
import type { FramerKind } from '../framing/framer-for';
import { endpointFor } from './byte-endpoint';
import { SerialLine, type LineOptions } from './serial-line';

interface Entry {
  readonly line: SerialLine;
  readonly framer: FramerKind;
  users: number;
}

/**
 * Lines by transport URL, so every device on one multi-drop bus (New Era 0-99, Cavro 1-F, Alicat A-Z) shares
 * one port and one transaction queue. Devices on one line must speak the same protocol.
 */
export class LineRegistry {
  private readonly lines = new Map<string, Entry>();

  acquire(
    device: InventoryDevice,
    framer: FramerKind,
    extra: Omit<LineOptions, 'endpoint' | 'framer'> = {},
  ): SerialLine {
    const key = device.transport;
    const existing = this.lines.get(key);
    if (existing) {
      if (existing.framer !== framer) {
        throw new Error(`${device.id}: ${key} already carries ${existing.framer} frames, not ${framer}`);
      }
      existing.users++;
      return existing.line;
    }
    const line = new SerialLine({ endpoint: endpointFor(device), framer, ...extra });
    this.lines.set(key, { line, framer, users: 1 });
    return line;
  }

  /** Drops one user; the last one closes the line. */
  async release(line: SerialLine): Promise<void> {
    for (const [key, entry] of this.lines) {
      if (entry.line !== line) continue;
      if (--entry.users > 0) return;
      this.lines.delete(key);
      await line.close();
      return;
    }
    await line.close();
  }
}

/** The process-wide registry drivers use unless given another one. */
export const defaultLineRegistry = new LineRegistry();
