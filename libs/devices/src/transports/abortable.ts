import { DeviceError } from '../capabilities/device-error';

/** Real-time sleep (wire rules such as inter-command gaps and poll periods are real milliseconds). */
export function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The abort reason as an Error (AbortSignal.reason may be anything). */
export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error(String(r ?? 'aborted'));
}

/** Throws the signal's reason when it is already aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** Wraps anything thrown that is not a DeviceError (aborts stay as they are: the caller asked for them). */
export function asDeviceError(e: unknown, deviceId: string, signal?: AbortSignal): Error {
  if (e instanceof DeviceError) return e;
  if (signal?.aborted) return abortReason(signal);
  return new DeviceError('protocol', deviceId, e instanceof Error ? e.message : String(e));
}
