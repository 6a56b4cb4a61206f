import { DeviceError } from '../../capabilities/device-error';

/** A number as SCPI NR3 for a command, e.g. 1e6 -> "1.000000E+06". */
export function nr3(value: number, digits = 6): string {
  const [mantissa, exponent] = value.toExponential(digits).toUpperCase().split('E');
  const e = Number(exponent);
  return `${mantissa}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A comma-separated ASCII number list (FORM:DATA ASC), or a protocol error. */
export function parseNumberList(deviceId: string, text: string, what: string): number[] {
  const fields = text.split(',');
  if (!fields.every((f) => NUMBER.test(f.trim()))) {
    throw new DeviceError(
      'protocol',
      deviceId,
      `${what}: not a number list: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  return fields.map(Number);
}

/** One number (NR1/NR2/NR3), or a protocol error. */
export function parseScpiNumber(deviceId: string, text: string, what: string): number {
  if (!NUMBER.test(text.trim()))
    throw new DeviceError('protocol', deviceId, `${what}: not a number: ${JSON.stringify(text)}`);
  return Number(text);
}

/** SYST:ERR? answer: `+0,"No error"` or `-222,"Data out of range"`. */
export function parseScpiError(deviceId: string, text: string): { code: number; message: string } {
  const m = /^([+-]?\d+),"(.*)"$/.exec(text.trim());
  if (!m) throw new DeviceError('protocol', deviceId, `SYST:ERR? answered ${JSON.stringify(text)}`);
  return { code: Number(m[1]), message: m[2] };
}
