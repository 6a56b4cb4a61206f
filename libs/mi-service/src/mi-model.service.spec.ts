import { MeasurementsRepository, openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { DocumentError } from '@graftlab/validation';
import { MiModelService } from './mi-model.service';
import {
  seedSyntheticDatabase,
  SYNTHETIC_MONOMERS,
  SYNTHETIC_POLYMERS,
  syntheticDg,
  syntheticWaterUptake,
  UNSEEN_MONOMER,
} from './testing/synthetic-database.fixture';

async function pointers(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DocumentError) return e.problems.map((x) => x.pointer);
    throw e;
  }
  throw new Error('expected a refusal');
}

const SPEC = {
  targets: [
    { property: 'DG', min: 100, unit: '%' },
    { property: 'water_uptake', max: 0.6, unit: '1' },
  ],
  candidates: {
    basePolymers: ['PX', 'PY'],
    monomers: ['M-a', 'M-b', 'M-c', 'M-d', 'M-e', UNSEEN_MONOMER.name],
  },
  conditions: { doseKGy: { min: 10, max: 80 }, temperatureC: { values: [60] } },
};

/** The database-wide model behind POST /api/mi/rank, on a synthetic database in PGlite. */
describe('MiModelService', () => {
  let db: GraftlabDb;
  let service: MiModelService;
  let times = 0;
  beforeAll(async () => {
    db = await openScratchDatabase('pglite');
    await seedSyntheticDatabase(db, 8);
    service = new MiModelService(db, { now: () => times++ * 1000 });
  });
  afterAll(async () => {
    await db.close();
  });

  it('ranks base polymer × monomer × conditions for the targets, in the asked units, with the model version and training size', async () => {
    expect(service.status().state).toBe('empty');
    const res = await service.rank(SPEC);
    expect(res.modelVersion).toMatch(/^mi-[0-9a-f]{16}$/);
    expect(res.trainingSize).toMatchObject({
      records: 160,
      samples: 80,
      bySource: { lab: 0, history: expect.any(Number), literature: expect.any(Number) },
      byProperty: { degree_of_grafting: 80, water_uptake: 80 },
    });
    expect(res.proposals).toHaveLength(12);
    const p = res.proposals[0];
    expect(p.rank).toBe(1);
    expect(p.predictions.map((x) => [x.property, x.unit])).toEqual([
      ['degree_of_grafting', '%'],
      ['water_uptake', '1'],
    ]);
    // Water uptake asked as a fraction: predicted as one (the database holds %).
    expect(p.predictions[1].mean).toBeLessThan(5);
    expect(p.predictions[1].max).toBe(0.6);
    for (const proposal of res.proposals) {
      expect(proposal.conditions.temperatureC).toBe(60);
      expect(proposal.conditions.doseKGy).toBeGreaterThanOrEqual(10);
      expect(proposal.conditions.doseKGy).toBeLessThanOrEqual(80);
    }
    // Probabilities fall with rank; the top three truly meet both targets at the proposed conditions.
    const probs = res.proposals.map((x) => x.probability);
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
    const all = [...SYNTHETIC_MONOMERS, UNSEEN_MONOMER];
    const truth = (x: (typeof res.proposals)[number]) => {
      const m = all.find((y) => y.name === x.monomers[0].name)!;
      const b = SYNTHETIC_POLYMERS.find((y) => y.name === x.basePolymer)!;
      const dg = syntheticDg(m.polarizability, b.radicalYield, x.conditions);
      return { dg, wu: syntheticWaterUptake(dg, m.hydrophilicity) };
    };
    for (const x of res.proposals.slice(0, 3)) {
      expect(x.probability).toBeGreaterThan(0.5);
      expect(truth(x).dg).toBeGreaterThanOrEqual(100);
      expect(truth(x).wu).toBeLessThanOrEqual(60);
    }
    // The least polarizable monomer on the low-yield polymer cannot reach the DG: last.
    expect(res.proposals.at(-1)).toMatchObject({ basePolymer: 'PX', monomers: [{ name: 'M-a' }] });
    expect(res.proposals.at(-1)!.probability).toBeLessThan(0.05);
    // The never-grafted monomer is ranked from its descriptors, with a finite, uncertain prediction.
    const unseen = res.proposals.find((x) => x.monomers[0].name === UNSEEN_MONOMER.name)!;
    expect(unseen.predictions[0].sd).toBeGreaterThan(0);
    expect(Math.abs(unseen.predictions[0].mean - truth(unseen).dg)).toBeLessThan(
      3 * unseen.predictions[0].sd,
    );
    expect(service.status()).toMatchObject({ state: 'ready', modelVersion: res.modelVersion, mode: 'fit' });
  });

  it('reuses the model while the data are unchanged, and adds new data to it when they change', async () => {
    const first = await service.current();
    expect(await service.current()).toBe(first);
    const before = first.model.version;
    await new MeasurementsRepository(db).add({
      sampleId: 'syn-PX-M-a-1',
      property: 'water_uptake',
      value: 5,
      unit: '%',
      uncertainty: 0.3,
      timeOnTestH: 100,
    });
    const second = await service.current();
    expect(second).not.toBe(first);
    expect(second.mode).toBe('incremental');
    expect(second.model.version).not.toBe(before);
    expect(second.trainingSize.records).toBe(161);
  });

  it('refuses a bad spec with JSON pointers: unknown property, unit of another dimension, no candidates, unknown monomer', async () => {
    expect(
      await pointers(
        service.rank({
          targets: [
            { property: 'sparkle', min: 1 },
            { property: 'IEC', min: 2, unit: 'mS/cm' },
            { property: 'DG', min: 2, max: 1 },
          ],
          candidates: { basePolymers: [], monomers: ['M-a', 'nope'] },
        }),
      ),
    ).toEqual([
      '/targets/0/property',
      '/targets/1/property',
      '/targets/2/max',
      '/candidates/basePolymers',
      '/candidates/monomers/1',
    ]);
    expect(
      await pointers(
        service.rank({
          targets: [{ property: 'water_uptake', max: 80, unit: 'mS/cm' }],
          candidates: { basePolymers: ['PX'], monomers: [] },
        }),
      ),
    ).toEqual(['/targets/0/unit', '/candidates/monomers']);
    expect(
      await pointers(service.rank({ targets: [], candidates: { basePolymers: ['PX'] }, extra: 1 })),
    ).toEqual(expect.arrayContaining(['/targets', '/extra']));
  });
});
