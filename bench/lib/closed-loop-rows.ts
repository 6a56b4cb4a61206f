/**
 * 8. Closed loop: rows from bench/closed-loop.bench.ts (issue #7's acceleration-factor benchmark, maintained by its
 * own owner). Experiments to reach the top 1 % of the objective: the built-in Bayesian optimizer (graftlab) against
 * random search and a space-filling design (the floors an optimizer must beat), medians over seeds; ratio =
 * graftlab ÷ baseline = 1 ÷ acceleration factor, so below 1× means graftlab needs fewer experiments.
 */
import { runClosedLoopBenchmark, summarizeClosedLoop } from '../closed-loop.bench';
import type { BenchOptions } from './options';
import { progress, row, type BenchRow } from './stats';

export function closedLoopBench(options: BenchOptions): Promise<BenchRow[]> {
  const rows = runClosedLoopBenchmark({ quick: options.quick });
  const summary = summarizeClosedLoop(rows);
  const of = (s: string) => summary.find((x) => x.strategy === s)!;
  const bayes = of('bayesian');
  progress(
    `closed loop: bayesian ${bayes.medianExperiments} experiments, AF vs random ${bayes.afVsRandom.median.toFixed(2)} [${bayes.afVsRandom.q1.toFixed(2)}–${bayes.afVsRandom.q3.toFixed(2)}]`,
  );
  return Promise.resolve([
    row(
      '8. experiments to top 1 %, Bayesian vs random search (median)',
      'experiments',
      bayes.medianExperiments,
      of('random').medianExperiments,
    ),
    row(
      '8. experiments to top 1 %, Bayesian vs space-filling (median)',
      'experiments',
      bayes.medianExperiments,
      of('space-filling').medianExperiments,
    ),
  ]);
}
