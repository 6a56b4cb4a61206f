import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import type { SerialSettings } from '@graftlab/inventory';
import type { ByteEndpoint } from './byte-endpoint';

/** A local serial port opened with the instrument's line settings (JULABO needs 7E1 + RTS/CTS). */
export class SerialEndpoint implements ByteEndpoint {
  readonly url: string;

  constructor(
    private readonly path: string,
    private readonly settings: SerialSettings,
  ) {
    this.url = `serial://${path}`;
  }

  open(timeoutMs: number, signal?: AbortSignal): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({
        path: this.path,
        baudRate: this.settings.baudRate,
        dataBits: this.settings.dataBits,
        parity: this.settings.parity,
        stopBits: this.settings.stopBits,
        rtscts: this.settings.rtscts,
        // Some instruments reset when DTR drops; keep the line up across our own reopen cycles.
        hupcl: false,
        autoOpen: false,
      });
      let settled = false;
      const finish = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          if (port.isOpen) port.close(() => undefined);
          reject(err);
        } else resolve(port);
      };
      const onAbort = () => finish(new Error('open aborted'));
      const timer = setTimeout(() => finish(new Error(`open ${this.path} timed out`)), timeoutMs);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      port.open((err) => finish(err ?? null));
    });
  }
}
