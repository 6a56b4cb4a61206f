import { all, create, type Unit } from 'mathjs';

/**
 * The MI database's own mathjs instance. The protocol language keeps another (libs/protocol units.registry) where "%"
 * stays an operator and wt% and ppm are separate dimensions so a dose of monomer can never pass for a gas fraction;
 * measured properties need the opposite: "%" as a unit of dimensionless ratios, and meq as mmol. Two instances keep
 * each side's rules from leaking into the other.
 */
const math = create(all, { number: 'number' });
math.createUnit('pct', '0.01');
math.createUnit('fraction', '1');
// Equivalents of monovalent ions: what an ion-exchange capacity in meq/g means; polyvalent counter-ions are not
// recorded as IEC here.
math.createUnit('eq', { definition: '1 mol', prefixes: 'short' });
math.createUnit('d', '1 day');

/** Spellings people write that mathjs does not read, turned into ones it does. */
export function normalizeUnitText(text: string): string {
  const t = text.trim();
  if (t === '1' || t === '-' || /^fraction$/i.test(t)) return 'fraction';
  return t
    .replace(/(wt|vol|mol)\s*%/g, 'pct')
    .replace(/%/g, 'pct')
    .replace(/[µμ]/g, 'u')
    .replace(/Å/g, 'angstrom')
    .replace(/°\s*C\b/g, 'degC')
    .replace(/\b1\s*\/\s*([A-Za-z]+)/g, '$1^-1')
    .replace(/\b([A-Za-z]+)(-?\d)\b/g, '$1^$2');
}

/** A bare unit ("mS/cm", "meq/g", "%", "1/nm"), or undefined when the text is not one. */
export function parseUnit(text: string): Unit | undefined {
  if (!text.trim()) return undefined;
  const normalized = normalizeUnitText(text);
  if (!/^[A-Za-z0-9_ /*^().-]+$/.test(normalized)) return undefined;
  try {
    const u = math.unit(normalized);
    return u.value === null ? u : undefined;
  } catch {
    return undefined;
  }
}

/** True when both units measure the same dimension. */
export function sameDimension(a: Unit, b: Unit): boolean {
  return a.equalBase(b);
}

/**
 * Converts a value between two compatible units (no offsets: none of the measured properties has one). Rounded to
 * 15 significant digits, so a conversion never invents digits (mS/cm → S/m → mS/cm gives back what was written).
 */
export function convert(value: number, from: Unit, to: Unit): number {
  const out = math.unit(value, from.formatUnits()).toNumber(to.formatUnits());
  return Number(out.toPrecision(15));
}

/** A quantity written with its unit ("500 h", "3 d", "80 °C"); undefined when it is not one. */
export function parseQuantity(text: string): { value: number; unit: Unit } | undefined {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.+)$/.exec(text);
  if (!m) return undefined;
  const unit = parseUnit(m[2]);
  return unit ? { value: Number(m[1]), unit } : undefined;
}

/** Hours in a duration written with its unit ("500 h", "3 d", "90 min"); undefined when it is not a duration. */
export function hoursOf(text: string): number | undefined {
  const q = parseQuantity(text);
  const hour = math.unit('h');
  if (!q || !q.unit.equalBase(hour)) return undefined;
  return convert(q.value, q.unit, hour);
}
