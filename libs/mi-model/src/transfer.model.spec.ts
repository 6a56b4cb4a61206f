import { createRng } from '@graftlab/grafting-model';
import { DescriptorGp } from './descriptor-gp.model';
import { MiModel } from './mi.model';
import type { MaterialQuery, TrainingRecord } from './record.types';
import { TransferModel } from './transfer.model';
import {
  BASES,
  MONOMERS,
  randomConditions,
  recordsFor,
  systemOf,
  trueDg,
} from './testing/synthetic-family.fixture';

// The campaign's system: PE grafted with M3, a monomer the database has never seen, grafting 25 % better than
// the family's trend (related, not identical).
const target = systemOf(BASES[1], MONOMERS[3]);
const campaignDg = (q: MaterialQuery) => 1.25 * trueDg(q);
const others = BASES.flatMap((b) => MONOMERS.filter((m) => m !== MONOMERS[3]).map((m) => systemOf(b, m)));
const database = recordsFor(others, 10, createRng(31), 'dg', 'db');

// The same records with their values dealt out at random: a database that says nothing about anything.
const shuffleRng = createRng(32);
const values = database.map((r) => r.value);
for (let i = values.length - 1; i > 0; i--) {
  const j = Math.floor(shuffleRng.next() * (i + 1));
  [values[i], values[j]] = [values[j], values[i]];
}
const shuffled: TrainingRecord[] = database.map((r, i) => ({
  ...r,
  value: values[i],
  uncertainty: 0.05 * values[i],
}));

// And a database that says the opposite: log DG mirrored about log 100 %.
const reversed: TrainingRecord[] = database.map((r) => ({
  ...r,
  value: 1e4 / r.value,
  uncertainty: 5e2 / r.value,
}));

const related = MiModel.fit(database, { gp: { starts: 2 } });
const misleading = MiModel.fit(shuffled, { gp: { starts: 2 } });
const opposite = MiModel.fit(reversed, { gp: { starts: 2 } });

const sizes = [2, 4, 8, 16];
const seeds = [1, 2, 3];
const testQueries = Array.from({ length: 60 }, (_, i) => randomConditions(target, createRng(`test${i}`)));

function campaign(n: number, seed: number) {
  const rng = createRng(`campaign${seed}`);
  const queries = Array.from({ length: n }, () => randomConditions(target, rng));
  const observed = queries.map((q) => campaignDg(q) * (1 + rng.normal(0, 0.05)));
  return { queries, values: observed, uncertainties: observed.map((v) => 0.05 * v) };
}

/** RMSE of log1p(DG) over the test conditions. */
function error(predict: (q: MaterialQuery) => number): number {
  const se = testQueries.reduce((t, q) => t + (Math.log1p(predict(q)) - Math.log1p(campaignDg(q))) ** 2, 0);
  return Math.sqrt(se / testQueries.length);
}

function learningCurve(prior: MiModel | undefined): { errors: number[]; fits: TransferModel[] } {
  const errors: number[] = [];
  const fits: TransferModel[] = [];
  const gp = (prior ?? related).propertyModel('dg');
  const features = (q: MaterialQuery) => (prior ?? related).features(q, 'dg');
  for (const n of sizes) {
    let total = 0;
    for (const seed of seeds) {
      const c = campaign(n, seed);
      const observations = {
        points: c.queries.map(features),
        values: c.values,
        uncertainties: c.uncertainties,
      };
      if (prior) {
        const model = TransferModel.fit(gp, observations, { seed });
        fits.push(model);
        total += error((q) => model.predict(features(q)).median);
      } else {
        // Cold: a GP on the campaign alone (the database's encoding only normalizes the inputs).
        const cold = DescriptorGp.fit(observations, { transform: 'log1p', seed });
        total += error((q) => cold.predict(features(q)).median);
      }
    }
    errors.push(total / seeds.length);
  }
  return { errors, fits };
}

const cold = learningCurve(undefined);
const warm = learningCurve(related);
const shuffledWarm = learningCurve(misleading);
const reversedWarm = learningCurve(opposite);
const area = (e: readonly number[]) => e.reduce((t, v) => t + v, 0) / e.length;
const warmRatio = area(warm.errors) / area(cold.errors);
const shuffledRatio = area(shuffledWarm.errors) / area(cold.errors);
const reversedRatio = area(reversedWarm.errors) / area(cold.errors);
const fmt = (e: readonly number[]) => e.map((v) => v.toFixed(3)).join('/');

describe(`transfer from the database (RMSE of log1p DG at n = ${sizes.join('/')}; cold ${fmt(cold.errors)})`, () => {
  it(`with a related database the learning curve is ${warmRatio.toFixed(2)}× the cold one (${fmt(warm.errors)})`, () => {
    expect(warmRatio).toBeLessThan(0.6);
    sizes.forEach((_, i) => expect(warm.errors[i]).toBeLessThan(cold.errors[i]));
  });

  it(`with a shuffled database it is ${shuffledRatio.toFixed(2)}× the cold one (${fmt(shuffledWarm.errors)})`, () => {
    expect(shuffledRatio).toBeLessThan(1.15);
  });

  it(`with a reversed database it is ${reversedRatio.toFixed(2)}× the cold one (${fmt(reversedWarm.errors)})`, () => {
    expect(reversedRatio).toBeLessThan(1.15);
  });

  it('learns how related the database is from the campaign (weight of its prediction, share of the warm model)', () => {
    const last = (fits: readonly TransferModel[]) => fits.slice(-seeds.length);
    for (const m of last(warm.fits)) {
      // Related: taken nearly as is, and sharply identified.
      expect(m.relatedness.warmShare).toBeGreaterThan(0.9);
      expect(m.relatedness.weight).toBeGreaterThan(0.8);
      expect(m.relatedness.weight).toBeLessThan(1.25);
      expect(m.relatedness.weightSd).toBeLessThan(0.2);
    }
    for (const m of last(shuffledWarm.fits)) {
      // Shuffled: its prediction is nearly flat over the campaign, so its weight stays at the prior (sd ≈ 1).
      expect(m.relatedness.weightSd).toBeGreaterThan(0.5);
    }
    for (const m of last(reversedWarm.fits)) expect(m.relatedness.weight).toBeLessThan(0);
  });

  it('has a version that names its prior', () => {
    const [a, b] = warm.fits;
    expect(a.version).toMatch(/^transfer-[0-9a-f]{16}$/);
    expect(a.version).not.toBe(b.version);
  });
});
