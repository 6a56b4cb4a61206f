import { DeviceError } from '../../capabilities/device-error';

export type NePrompt = 'I' | 'W' | 'S' | 'P' | 'T' | 'U' | 'X';

/** A New Era response: "<addr 2 digits><prompt>[data | ?error]" or "<addr>A?<alarm>". */
export type NeReply =
  | { readonly address: number; readonly alarm: string }
  | {
      readonly address: number;
      readonly alarm?: undefined;
      readonly prompt: NePrompt;
      readonly data: string;
      readonly error?: string;
    };

const REPLY = /^(\d\d)(?:A\?([RSTEO])|([IWSPTUX])(.*))$/s;

export function parseNeReply(deviceId: string, text: string): NeReply {
  const m = REPLY.exec(text);
  if (!m) throw new DeviceError('protocol', deviceId, `not a New Era response: ${JSON.stringify(text)}`);
  const address = Number(m[1]);
  if (m[2]) return { address, alarm: m[2] };
  const rest = m[4];
  if (rest.startsWith('?')) return { address, prompt: m[3] as NePrompt, data: '', error: rest };
  return { address, prompt: m[3] as NePrompt, data: rest };
}

/** Numbers as the pump takes them: at most 4 digits and a decimal point, at most 3 decimals. */
export function formatNeNumber(v: number): string {
  if (!(v >= 0 && v < 9999.5)) throw new RangeError(`${v} does not fit the New Era number format`);
  if (v < 10) return v.toFixed(3);
  if (v < 100) return v.toFixed(2);
  if (v < 1000) return v.toFixed(1);
  return v.toFixed(0);
}

/** DIS data "I<inf>W<wdr><units>" in mL. */
export function parseDispensed(deviceId: string, data: string): { infusedMl: number; withdrawnMl: number } {
  const m = /^I(\d+\.?\d*)W(\d+\.?\d*)([A-Z]+)$/.exec(data);
  if (!m) throw new DeviceError('protocol', deviceId, `not a DIS answer: ${JSON.stringify(data)}`);
  const scale = m[3] === 'UL' ? 1e-3 : 1;
  return { infusedMl: Number(m[1]) * scale, withdrawnMl: Number(m[2]) * scale };
}

export const NE_ALARMS: Record<string, string> = {
  R: 'reset (power was interrupted)',
  S: 'motor stalled',
  T: 'safe-mode communications timeout',
  E: 'pumping program error',
  O: 'program phase out of range',
};
