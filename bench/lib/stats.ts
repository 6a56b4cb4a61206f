/** Order statistics and the row type every benchmark returns. */

export interface BenchRow {
  /** What is measured, e.g. "engine overhead per step (vs BullMQ add→processor p50)". */
  readonly figure: string;
  readonly unit: string;
  readonly graftlab: number;
  /** The floor beneath graftlab, measured in the same run. */
  readonly floor: number;
  /**
   * graftlab ÷ floor for costs (lower is better), floor ÷ graftlab for rates (higher is better): in both cases
   * 1 means "at the floor" and a larger ratio means graftlab is further from it.
   */
  readonly ratio: number;
}

export type Direction = 'lower-is-better' | 'higher-is-better';

export function row(
  figure: string,
  unit: string,
  graftlab: number,
  floor: number,
  direction: Direction = 'lower-is-better',
): BenchRow {
  const ratio = direction === 'lower-is-better' ? graftlab / floor : floor / graftlab;
  return { figure, unit, graftlab, floor, ratio: Number.isFinite(ratio) ? ratio : Number.NaN };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Summary {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    mean: n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN,
    max: n ? Math.max(...values) : Number.NaN,
    n,
  };
}

/** Progress lines go to stderr so stdout keeps the table. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
