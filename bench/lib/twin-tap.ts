/** Timestamps what a serial twin of the in-process virtual lab receives (performance.now, this process's clock). */
import type { SerialTwin, VirtualLab } from '@graftlab/twins';

export type TapListener = (bytes: Buffer, at: number) => void;

/** Calls `listener` for every request the host sends to `deviceId`'s twin; returns the un-tap function. */
export function tapTwin(lab: VirtualLab, deviceId: string, listener: TapListener): () => void {
  const twin = lab.twins.get(deviceId);
  if (!twin || twin.kind !== 'serial') throw new Error(`${deviceId} is not a serial twin of the virtual lab`);
  const trace = (twin.instance as SerialTwin).trace;
  const original = trace.record.bind(trace);
  trace.record = (dir, bytes) => {
    if (dir === 'host') listener(bytes, performance.now());
    original(dir, bytes);
  };
  return () => {
    trace.record = original;
  };
}
