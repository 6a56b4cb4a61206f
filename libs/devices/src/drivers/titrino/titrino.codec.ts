import type { TitratorState } from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';

/** Message numbers the titrator shows (and codes of DeviceError 'device'); see titrino.driver.ts. */
export const TITRINO_MESSAGES: Readonly<Record<string, string>> = {
  '010-119': 'check buret unit',
  '010-130': 'titrant bottle empty',
  '010-141': 'electrode error (measured value out of range)',
  '000-001': 'unknown command',
  '000-002': 'invalid parameter or missing sample data',
  '000-003': 'method not found',
  '000-004': 'a determination is running',
  '000-005': 'no determination with this sample id',
  '000-006': 'the method needs a titrant that is not installed',
  '000-007': 'a message waits to be confirmed',
};

/**
 * Codes of DeviceError 'device' a titration ends with when it gives no result, for a step to tell a sample's
 * outcome (no endpoint: nothing to titrate) from an instrument that needs a person (electrode, titrant).
 */
export const TITRATION_FAILURES = {
  noEndpoint: 'NV',
  electrodeError: '010-141',
  titrantEmpty: '010-130',
  checkBuret: '010-119',
  stopped: 'stopped',
  running: 'running',
} as const;

const STATES: Readonly<Record<string, TitratorState>> = {
  Ready: 'ready',
  Busy: 'busy',
  Hold: 'hold',
  Cond: 'conditioning',
};

/** Every reply is printable ASCII; anything else is line noise. */
export function checkPrintable(deviceId: string, text: string, what: string): void {
  if (text === '' || /[^\x20-\x7e]/.test(text))
    throw new DeviceError('protocol', deviceId, `garbled answer to ${what}: ${JSON.stringify(text)}`);
}

/** "$D" answer: "<Ready|Busy|Hold|Cond>;<0 | message number>". */
export function parseScan(deviceId: string, text: string): { state: TitratorState; message?: string } {
  const m = /^(Ready|Busy|Hold|Cond);(0|\d{3}-\d{3})$/.exec(text);
  if (!m) throw new DeviceError('protocol', deviceId, `not a status scan: ${JSON.stringify(text)}`);
  return { state: STATES[m[1]], message: m[2] === '0' ? undefined : m[2] };
}

/** An instrument refusal as a DeviceError carrying its message number. */
export function refusal(deviceId: string, what: string, code: string): DeviceError {
  return new DeviceError(
    'device',
    deviceId,
    `${what}: ${TITRINO_MESSAGES[code] ?? 'refused'} (${code})`,
    code,
  );
}

/** Acknowledgement "<head>;OK"; "<head>;ERR;<nnn-nnn>" is the instrument's refusal. */
export function parseAck(deviceId: string, head: string, text: string): void {
  if (text === `${head};OK`) return;
  const err = new RegExp(`^${escape(head)};ERR;(\\d{3}-\\d{3})$`).exec(text);
  if (err) throw refusal(deviceId, head, err[1]);
  throw new DeviceError('protocol', deviceId, `${head} answered ${JSON.stringify(text)}`);
}

/**
 * "$Q(<name>)" answer: "<name>;<field>[;<field>...]", the fields returned; undefined for "<name>;NV" (not
 * valid: no such value in this determination). A refusal throws.
 */
export function parseVariable(deviceId: string, name: string, text: string): string[] | undefined {
  const err = /^\$Q;ERR;(\d{3}-\d{3})$/.exec(text);
  if (err) throw refusal(deviceId, `$Q(${name})`, err[1]);
  if (!text.startsWith(`${name};`))
    throw new DeviceError('protocol', deviceId, `$Q(${name}) answered ${JSON.stringify(text)}`);
  const fields = text.slice(name.length + 1).split(';');
  return fields.length === 1 && fields[0] === 'NV' ? undefined : fields;
}

/** A number field with its unit, or a protocol error naming what was expected. */
export function numberWithUnit(
  deviceId: string,
  name: string,
  fields: readonly string[],
  units: readonly string[],
): { value: number; unit: string } {
  const [raw, unit] = fields;
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(value) || !units.includes(unit ?? '')) {
    throw new DeviceError(
      'protocol',
      deviceId,
      `${name}: expected a number in ${units.join(' or ')}, got ${JSON.stringify(fields.join(';'))}`,
    );
  }
  return { value, unit: unit! };
}

/** A count field (NDET, NEND). */
export function parseCount(deviceId: string, name: string, fields: readonly string[]): number {
  if (fields.length !== 1 || !/^\d+$/.test(fields[0])) {
    throw new DeviceError(
      'protocol',
      deviceId,
      `${name}: expected a count, got ${JSON.stringify(fields.join(';'))}`,
    );
  }
  return Number(fields[0]);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
