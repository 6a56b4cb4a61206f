/** Options every benchmark takes (parsed from argv by bench/run.ts; benchmarks never read process.env). */
export interface BenchOptions {
  /** Short pass: fewer samples, smaller scales (the whole suite in under five minutes on two cores). */
  readonly quick: boolean;
}
