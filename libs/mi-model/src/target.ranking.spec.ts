import { createRng } from '@graftlab/grafting-model';
import { CandidateGrid, type CandidateSpace } from './candidate.space';
import { MiModel } from './mi.model';
import type { MaterialQuery } from './record.types';
import { rankForTargets, type PropertyTarget } from './target.ranking';
import {
  BASES,
  MONOMERS,
  recordsFor,
  systemOf,
  trueDg,
  trueWaterUptake,
} from './testing/synthetic-family.fixture';

// The database knows every monomer but M5; M5 is ranked from its descriptors alone.
const unseen = MONOMERS[5];
const rng = createRng(8);
const known = BASES.flatMap((b) => MONOMERS.filter((m) => m !== unseen).map((m) => systemOf(b, m)));
const records = [
  ...recordsFor(known, 10, rng.fork('dg'), 'dg'),
  ...recordsFor(known, 10, rng.fork('wu'), 'waterUptake'),
];
const model = MiModel.fit(records, { gp: { starts: 2 } });

const space: CandidateSpace = {
  basePolymers: BASES,
  monomers: MONOMERS,
  irradiation: { doseKGy: { min: 10, max: 100 } },
  conditions: {
    concentrationWtPct: { min: 5, max: 50 },
    temperatureC: { min: 25, max: 80 },
    timeH: { min: 0.5, max: 24 },
  },
};
// High grafting, limited swelling: only monomers with a low O-atom shift can have both.
const targets: PropertyTarget[] = [
  { property: 'dg', min: 120, unit: '%' },
  { property: 'waterUptake', max: 80, unit: '%' },
];
const meets = (q: MaterialQuery) => trueDg(q) >= 120 && trueWaterUptake(q) <= 80;

/**
 * Ground truth per system on a fine grid: the best margin by which any condition meets both targets, in log
 * units (> 0: the system can meet them).
 */
const grid = new CandidateGrid({
  ...space,
  irradiation: { doseKGy: { min: 10, max: 100, steps: 7 } },
  conditions: {
    concentrationWtPct: { min: 5, max: 50, steps: 7 },
    temperatureC: { min: 25, max: 80, steps: 7 },
    timeH: { min: 0.5, max: 24, steps: 7 },
  },
});
const trueMargin = new Map(
  grid.systems.map((s) => [
    `${s.basePolymer.id}|${s.monomers[0].id}`,
    Math.max(
      ...grid.grid().map((setting) => {
        const q = grid.query(s, setting);
        return Math.min(Math.log(trueDg(q) / 120), Math.log(80 / trueWaterUptake(q)));
      }),
    ),
  ]),
);
const feasibleSystems = new Set([...trueMargin].filter(([, m]) => m > 0).map(([k]) => k));

describe('rankForTargets', () => {
  const ranking = rankForTargets(model, { targets, candidates: space }, { seed: 1 });
  const top = ranking.proposals.slice(0, 5);
  const trulyMet = top.filter((p) => meets(p.query)).length;

  it(`ranks systems able to meet the targets first (${feasibleSystems.size} of 24 truly can; ${trulyMet} of the top 5 proposals truly meet both)`, () => {
    expect(feasibleSystems.size).toBeGreaterThan(2);
    expect(feasibleSystems.size).toBeLessThan(20);
    top.forEach((p) => expect(feasibleSystems.has(p.systemKey)).toBe(true));
    expect(trulyMet).toBeGreaterThanOrEqual(4);
  });

  it('ranks a system of the unseen monomer by its descriptors', () => {
    const unseenRanks = ranking.proposals.filter((p) => p.system.monomers[0].id === unseen.id);
    const best = Math.min(...unseenRanks.map((p) => p.rank));
    const anyFeasible = [...feasibleSystems].some((k) => k.endsWith(`|${unseen.id}`));
    expect(anyFeasible).toBe(true);
    expect(best).toBeLessThanOrEqual(6);
  });

  it('gives clearly infeasible systems a low probability and orders proposals by it', () => {
    // Clearly: no condition comes within 5 % of meeting both targets.
    const clearlyNot = ranking.proposals.filter((p) => trueMargin.get(p.systemKey)! < -0.05);
    expect(clearlyNot.length).toBeGreaterThan(8);
    expect(Math.max(...clearlyNot.map((p) => p.probability))).toBeLessThan(0.1);
    const mean = (ps: readonly { probability: number }[]) =>
      ps.reduce((t, p) => t + p.probability, 0) / ps.length;
    const feasible = ranking.proposals.filter((p) => feasibleSystems.has(p.systemKey));
    const infeasible = ranking.proposals.filter((p) => !feasibleSystems.has(p.systemKey));
    expect(mean(feasible)).toBeGreaterThan(mean(infeasible) + 0.4);
    ranking.proposals
      .slice(1)
      .forEach((p, i) => expect(p.probability).toBeLessThanOrEqual(ranking.proposals[i].probability + 5e-4));
  });

  it('reports per-target predictions, the model version and how many settings it scored', () => {
    const first = ranking.proposals[0];
    expect(first.predictions.map((t) => t.property)).toEqual(['dg', 'waterUptake']);
    first.predictions.forEach((t) => {
      expect(t.lower90).toBeLessThan(t.median);
      expect(t.upper90).toBeGreaterThan(t.median);
      expect(t.probability).toBeGreaterThan(0);
    });
    expect(first.probability).toBeCloseTo(
      first.predictions[0].probability * first.predictions[1].probability,
      10,
    );
    expect(ranking.modelVersion).toBe(model.version);
    expect(ranking.evaluated).toBeGreaterThan(24 * 81);
  });

  it('refines the best systems beyond the grid', () => {
    const gridOnly = rankForTargets(model, { targets, candidates: space }, { seed: 1, refineSystems: 0 });
    const refined = new Map(ranking.proposals.map((p) => [p.systemKey, p]));
    gridOnly.proposals.forEach((p) => {
      const r = refined.get(p.systemKey)!;
      if (r.refined)
        expect(r.logProbability + 1e-3 * r.margin).toBeGreaterThanOrEqual(
          p.logProbability + 1e-3 * p.margin - 1e-9,
        );
    });
    expect(ranking.proposals.filter((p) => p.refined).length).toBe(20);
  });

  it('breaks ties in probability by the margin', () => {
    const easy = rankForTargets(
      model,
      { targets: [{ property: 'dg', min: 1, unit: '%' }], candidates: space },
      { refineSystems: 2 },
    );
    expect(easy.proposals.every((p) => p.probability > 0.999)).toBe(true);
    easy.proposals.slice(1).forEach((p, i) => expect(p.margin).toBeLessThanOrEqual(easy.proposals[i].margin));
  });

  it('refuses a target in another unit or on a property it has no data on', () => {
    expect(() =>
      rankForTargets(model, { targets: [{ property: 'dg', min: 1, unit: 'fraction' }], candidates: space }),
    ).toThrow(/%/);
    expect(() =>
      rankForTargets(model, { targets: [{ property: 'iec', min: 1, unit: 'mmol/g' }], candidates: space }),
    ).toThrow(/no data/);
  });
});
