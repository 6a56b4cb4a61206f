/** Long SCPI mnemonics and their short forms (a node may be sent either way, in any case). */
const SHORT: Readonly<Record<string, string>> = {
  SENSE: 'SENS',
  FREQUENCY: 'FREQ',
  START: 'STAR',
  SWEEP: 'SWE',
  POINTS: 'POIN',
  SOURCE: 'SOUR',
  VOLTAGE: 'VOLT',
  CALCULATE: 'CALC',
  RDATA: 'RDAT',
  TRIGGER: 'TRIG',
  SEQUENCE: 'SEQ',
  SINGLE: 'SING',
  SYSTEM: 'SYST',
  ERROR: 'ERR',
  STATUS: 'STAT',
  OPERATION: 'OPER',
  CONDITION: 'COND',
  FORMAT: 'FORM',
  INITIATE: 'INIT',
  CONTINUOUS: 'CONT',
  ABORT: 'ABOR',
  DISPLAY: 'DISP',
  WINDOW: 'WIND',
  TITLE: 'TITL',
};

/** Optional nodes dropped from the canonical form ([:SEQuence], [:NEXT]). */
const OPTIONAL = new Set(['SEQ', 'NEXT']);

/**
 * A program header in canonical short form: ":SENSe1:FREQuency:STARt" -> "SENS:FREQ:STAR", "*idn?" -> "*IDN?".
 * Numeric suffixes must be 1 (one channel, one trace, one window); anything else is undefined.
 */
export function canonicalHeader(header: string): string | undefined {
  const query = header.endsWith('?');
  const body = (query ? header.slice(0, -1) : header).replace(/^:/, '').toUpperCase();
  if (body.startsWith('*')) return /^\*[A-Z]+$/.test(body) ? `${body}${query ? '?' : ''}` : undefined;
  const nodes: string[] = [];
  for (const raw of body.split(':')) {
    const m = /^([A-Z]+)(\d*)$/.exec(raw);
    if (!m || (m[2] !== '' && m[2] !== '1')) return undefined;
    const node = SHORT[m[1]] ?? m[1];
    if (!OPTIONAL.has(node)) nodes.push(node);
  }
  return nodes.join(':') + (query ? '?' : '');
}

/** A number as the analyser sends it: "+1.234567890E+03". */
export function nr3Out(value: number): string {
  const [mantissa, exponent] = value.toExponential(9).toUpperCase().split('E');
  const e = Number(exponent);
  const sign = mantissa.startsWith('-') ? '' : '+';
  return `${sign}${mantissa}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
