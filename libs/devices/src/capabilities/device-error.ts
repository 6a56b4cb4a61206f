/** Why a device command did not succeed. Every driver throws only DeviceError. */
export type DeviceErrorKind =
  | 'timeout' // no (complete) answer within the command's timeout
  | 'device' // the instrument answered with its own error code (code holds it verbatim)
  | 'protocol' // an answer that violates the wire protocol (garbled, bad CRC, unexpected frame)
  | 'disconnected' // port closed, socket lost, broker gone, device offline
  | 'refused' // a precondition (permissive, limit, safety envelope) failed before anything was sent
  | 'fenced'; // the lease on a shared instrument is lost or superseded (stale generation): another worker may act

export class DeviceError extends Error {
  constructor(
    readonly kind: DeviceErrorKind,
    readonly deviceId: string,
    message: string,
    /** The device's own error code (e.g. "A?S", "-08", "ES", "g"), when kind is 'device'. */
    readonly code?: string,
    /** True when the command provably never left this process (no link to send it on): it cannot have acted. */
    readonly notSent = false,
  ) {
    super(`${deviceId}: ${message}`);
    this.name = 'DeviceError';
  }
}

export function isDeviceError(e: unknown, kind?: DeviceErrorKind): e is DeviceError {
  return e instanceof DeviceError && (kind === undefined || e.kind === kind);
}
