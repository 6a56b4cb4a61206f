import { createRng } from '@graftlab/grafting-model';
import { MiModel } from './mi.model';
import type { TrainingRecord } from './record.types';
import { BASES, MONOMERS, recordsFor, systemOf, trueDg } from './testing/synthetic-family.fixture';

const rmse = (a: readonly number[], b: readonly number[]) =>
  Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

/** Held-out error in log1p(DG), where the model works. */
function heldOutError(model: MiModel, records: readonly TrainingRecord[]): number {
  return rmse(
    records.map((r) => Math.log1p(model.predict(r, 'dg').median)),
    records.map((r) => Math.log1p(trueDg(r))),
  );
}

describe('descriptors against one-hot categories on an unseen monomer', () => {
  const rng = createRng(21);
  const heldOutMonomer = MONOMERS[4];
  const known = BASES.flatMap((b) => MONOMERS.filter((m) => m !== heldOutMonomer).map((m) => systemOf(b, m)));
  const unseen = BASES.map((b) => systemOf(b, heldOutMonomer));
  const train = recordsFor(known, 12, rng.fork('train'));
  const test = recordsFor(unseen, 12, rng.fork('test'), 'dg', 'test');
  const withDescriptors = MiModel.fit(train);
  const oneHot = MiModel.fit(train, { encoding: { systemIdentity: 'one-hot' } });
  const descriptorError = heldOutError(withDescriptors, test);
  const oneHotError = heldOutError(oneHot, test);
  const ratio = descriptorError / oneHotError;

  it(`predicts the held-out monomer's DG with ${ratio.toFixed(2)}× the one-hot error (RMSE in log1p ${descriptorError.toFixed(3)} vs ${oneHotError.toFixed(3)})`, () => {
    expect(ratio).toBeLessThan(0.5);
  });

  const coverage = withDescriptors.coverage(test, 0.9).dg.coverage;
  it(`covers ${(100 * coverage).toFixed(0)} % of the unseen systems' measurements with 90 % intervals (leave-systems-out calibration)`, () => {
    expect(coverage).toBeGreaterThanOrEqual(0.8);
  });
});

describe('MiModel identity', () => {
  const records = recordsFor(
    [systemOf(BASES[0], MONOMERS[2]), systemOf(BASES[2], MONOMERS[7])],
    12,
    createRng(9),
  );
  const model = MiModel.fit(records, { gp: { starts: 1 } });

  it('keeps record order out of the model version, and data in it', () => {
    expect(model.version).toMatch(/^mi-[0-9a-f]{16}$/);
    expect(MiModel.fit([...records].reverse(), { gp: { starts: 1 } }).version).toBe(model.version);
    const changed = records.map((r, i) => (i === 0 ? { ...r, value: r.value * 1.01 } : r));
    expect(MiModel.fit(changed, { gp: { starts: 1 } }).version).not.toBe(model.version);
  });
});

describe('MiModel updates', () => {
  const rng = createRng(5);
  const systems = [systemOf(BASES[0], MONOMERS[1]), systemOf(BASES[1], MONOMERS[6])];
  const first = recordsFor(systems, 15, rng.fork('a'));
  const more = recordsFor(systems, 5, rng.fork('b'), 'dg', 'later');
  const model = MiModel.fit(first);
  const updated = model.withRecords(more);

  it('adds records without a refit: same hyperparameters, new data, a new version', () => {
    expect(updated.propertyModel('dg').hyperparameters).toEqual(model.propertyModel('dg').hyperparameters);
    expect(updated.propertyModel('dg').size).toBe(40);
    expect(updated.version).not.toBe(model.version);
    // The new records pull the prediction at their conditions toward them.
    const r = more[0];
    const before = Math.abs(Math.log(model.predict(r, 'dg').median / r.value));
    const after = Math.abs(Math.log(updated.predict(r, 'dg').median / r.value));
    expect(after).toBeLessThanOrEqual(before + 1e-9);
  });

  it('refits on demand and rejects records in another unit', () => {
    expect(updated.refit().propertyModel('dg').size).toBe(40);
    expect(() => model.withRecords([{ ...more[0], id: 'x', unit: 'fraction' }])).toThrow(/in fraction/);
  });
});
