// The MI benchmarks (issue #15) in a tiny configuration: they run end to end and give well-formed rows. What they
// measure is for `npm run bench:mi`; no figure or timing is asserted here.
import { miParetoRows, runParetoBenchmark } from '../../bench/mi-pareto.bench';
import { miRankingRows, runMiRankingBenchmark } from '../../bench/mi-ranking.bench';
import { miWarmStartRows, runWarmStartBenchmark } from '../../bench/mi-warm-start.bench';
import type { BenchRow } from '../../bench/lib/stats';

function expectWellFormed(rows: readonly BenchRow[], count: number): void {
  expect(rows).toHaveLength(count);
  expect(new Set(rows.map((r) => r.figure)).size).toBe(count);
  for (const r of rows) {
    expect(r.figure.length).toBeGreaterThan(0);
    expect(r.unit.length).toBeGreaterThan(0);
    for (const v of [r.graftlab, r.floor, r.ratio]) expect(typeof v).toBe('number');
  }
}

describe('MI benchmarks, smoke configuration (2 seeds, small budgets)', () => {
  it('ranking: held-out coverage and error, top-10 recall per spec', () => {
    const seeds = runMiRankingBenchmark({
      seeds: 2,
      films: 60,
      testConditions: 3,
      truthGridSteps: 2,
      basePolymers: ['ETFE', 'LDPE'],
      ranking: { gridSteps: 2, refineSystems: 1, refineStarts: 1 },
      gp: { starts: 1, maxFitPoints: 60, maxIterations: 15 },
    });
    expect(seeds.map((s) => s.seed)).toEqual([1, 2]);
    for (const s of seeds) {
      expect(s.heldOut).toHaveLength(2);
      expect(s.films).toBe(60);
      expect(s.specs.every((spec) => spec.candidates === 20 && spec.top.length === 10)).toBe(true);
    }
    expectWellFormed(miRankingRows(seeds), 4);
  });

  it('warm start: experiments to the top 1 %, warm, cold and shuffled', () => {
    const runs = runWarmStartBenchmark({
      seeds: 2,
      films: 60,
      budget: 6,
      repeats: 1,
      gridSteps: 3,
      coldDesign: 2,
    });
    expect(runs).toHaveLength(6);
    for (const r of runs) expect(r.experiments).toBeLessThanOrEqual(6);
    expectWellFormed(miWarmStartRows(runs), 2);
  });

  it('Pareto: hypervolume against both references and constraint violations of qNEHVI, weighted sum and random', () => {
    const runs = runParetoBenchmark({
      seeds: 2,
      design: 4,
      batches: 1,
      batchSize: 2,
      repeats: 1,
      randomRepeats: 1,
      gridSteps: 3,
    });
    expect(runs).toHaveLength(8);
    for (const r of runs) expect(r.experiments).toBe(6);
    expectWellFormed(miParetoRows(runs), 7);
    for (const r of runs)
      for (const share of [r.hypervolume, r.hypervolumeFromZero]) {
        expect(Number.isFinite(share)).toBe(true);
        expect(share).toBeGreaterThanOrEqual(0);
      }
  });
});
