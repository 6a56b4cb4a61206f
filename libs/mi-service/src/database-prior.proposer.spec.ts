import { openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { createRng } from '@graftlab/grafting-model';
import type { Objective, Observation, Params, Parameter } from '@graftlab/optimizer';
import { readMiSamples } from '@graftlab/db';
import {
  proposeWithDatabasePrior,
  PriorUnavailable,
  relatedTasks,
  type PriorBatchRequest,
} from './database-prior.proposer';
import { trainingSet } from './training-records.mapping';
import {
  seedSyntheticDatabase,
  SYNTHETIC_MONOMERS,
  SYNTHETIC_POLYMERS,
  syntheticDg,
} from './testing/synthetic-database.fixture';

const PARAMETERS: Parameter[] = [
  { name: 'dose', type: 'number', min: 10, max: 80, unit: 'kGy' },
  { name: 'graftTemperature', type: 'number', min: 40, max: 80, unit: '°C' },
  { name: 'graftTime', type: 'number', min: 1, max: 12, unit: 'h' },
  { name: 'monomerConcentration', type: 'number', min: 5, max: 50, unit: 'wt%' },
];
const OBJECTIVE: Objective = {
  targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 150, transform: 'log1p' }],
};
const M_E = SYNTHETIC_MONOMERS.find((m) => m.name === 'M-e')!;
const PY = SYNTHETIC_POLYMERS.find((p) => p.name === 'PY')!;
const truth = (p: Params) =>
  syntheticDg(M_E.polarizability, PY.radicalYield, {
    doseKGy: p.dose as number,
    temperatureC: p.graftTemperature as number,
    timeH: p.graftTime as number,
    concentrationWtPct: p.monomerConcentration as number,
  });

const request = (
  observations: Observation[] = [],
  extra: Partial<PriorBatchRequest> = {},
): PriorBatchRequest => ({
  campaignId: 'cmp-test',
  system: { basePolymer: 'PY', monomer: ['M-e'], method: 'pre-irradiation', values: {} },
  parameters: PARAMETERS,
  objective: OBJECTIVE,
  observations,
  batchSize: 4,
  seed: 3,
  pool: 256,
  ...extra,
});

/** A campaign's optimizer warm-started from the MI database (prior: "database"). */
describe('proposeWithDatabasePrior', () => {
  let db: GraftlabDb;
  beforeAll(async () => {
    db = await openScratchDatabase('pglite');
    await seedSyntheticDatabase(db, 8);
  });
  afterAll(async () => {
    await db.close();
  });

  it('proposes a first batch near the target before any run, where random settings are far off', async () => {
    const batch = await proposeWithDatabasePrior(db, request());
    expect(batch.strategy).toBe('database-prior');
    expect(batch.modelVersion).toMatch(/^prior-[0-9a-f]{16}\+mi-[0-9a-f]{16}$/);
    expect(batch.modelVersion.endsWith(batch.miModelVersion)).toBe(true);
    expect(batch.candidates).toHaveLength(4);
    const error = (p: Params) => Math.abs(truth(p) - 150);
    const warm = batch.candidates.map((c) => error(c.params));
    const rng = createRng('random-baseline');
    const random = Array.from({ length: 200 }, () =>
      error(
        Object.fromEntries(
          PARAMETERS.map((p) => [p.name, p.type === 'number' ? p.min + rng.next() * (p.max - p.min) : 0]),
        ),
      ),
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(warm)).toBeLessThan(0.35 * mean(random));
    // What is in flight is not proposed again: the next batch keeps away from a pending experiment.
    const inFlight = batch.candidates[0].params;
    const next = await proposeWithDatabasePrior(db, request([{ params: inFlight, status: 'pending' }]));
    const far = (a: Params, b: Params) =>
      Math.sqrt(
        PARAMETERS.reduce((t, p) => {
          if (p.type !== 'number') return t;
          return t + (((a[p.name] as number) - (b[p.name] as number)) / (p.max - p.min)) ** 2;
        }, 0),
      );
    for (const c of next.candidates) expect(far(c.params, inFlight)).toBeGreaterThan(0.05);
    // Distinct proposals (local penalization), within the space.
    expect(new Set(batch.candidates.map((c) => JSON.stringify(c.params))).size).toBe(4);
    for (const c of batch.candidates)
      for (const p of PARAMETERS)
        if (p.type === 'number') {
          expect(c.params[p.name]).toBeGreaterThanOrEqual(p.min);
          expect(c.params[p.name]).toBeLessThanOrEqual(p.max);
        }
  });

  it('learns how related the database is from the campaign results, and keeps grouped parameters shared', async () => {
    const rng = createRng('campaign');
    const observations: Observation[] = Array.from({ length: 6 }, () => {
      const params = Object.fromEntries(
        PARAMETERS.map((p) => [p.name, p.type === 'number' ? p.min + rng.next() * (p.max - p.min) : 0]),
      );
      const dg = truth(params) * (1 + rng.normal(0, 0.03));
      return {
        params,
        outputs: { degreeOfGrafting: dg },
        uncertainty: { degreeOfGrafting: 0.03 * dg },
        status: 'completed' as const,
      };
    });
    const batch = await proposeWithDatabasePrior(db, request(observations, { groupBy: ['dose'] }));
    const r = batch.relatedness.degreeOfGrafting;
    expect(r.weight).toBeGreaterThan(0.5);
    expect(r.warmShare).toBeGreaterThan(0.5);
    expect(new Set(batch.candidates.map((c) => c.params.dose)).size).toBe(1);
  });

  it('warm-starts Pareto objectives under an outcome constraint from the database (qNEHVI)', async () => {
    const batch = await proposeWithDatabasePrior(
      db,
      request([], {
        objective: {
          pareto: true,
          targets: [
            { name: 'degreeOfGrafting', mode: 'max', transform: 'log1p' },
            { name: 'waterUptake', mode: 'min' },
          ],
          costs: [{ parameter: 'dose', weight: 1 }],
          constraints: [{ name: 'waterUptake', max: 60 }],
        },
      }),
    );
    expect(batch.modelVersion).toMatch(/^prior-[0-9a-f]{16}\+mi-[0-9a-f]{16}$/);
    expect(batch.candidates).toHaveLength(4);
    // Before any run, the database alone keeps the batch inside the constraint (water uptake = 0.4 × DG for M-e).
    let inside = 0;
    for (const c of batch.candidates) {
      expect(c.feasibility).toBeGreaterThan(0.5);
      if (0.8 * truth(c.params) * (0.2 + M_E.hydrophilicity) <= 66) inside++;
    }
    expect(inside).toBeGreaterThanOrEqual(3);
  });

  it('learns from the listed related tasks only (prior as a list of material systems)', async () => {
    const full = await proposeWithDatabasePrior(db, request());
    const related = {
      systems: [
        { basePolymer: 'PX', monomer: 'M-e' },
        { basePolymer: 'py', monomer: 'M-d' },
      ],
    };
    const listed = await proposeWithDatabasePrior(db, request([], { related }));
    const set = trainingSet(await readMiSamples(db));
    const expected = set.records.filter(
      (r) =>
        (r.system.basePolymer.id === 'PX' && r.system.monomers[0].id === 'M-e') ||
        (r.system.basePolymer.id === 'PY' && r.system.monomers[0].id === 'M-d'),
    ).length;
    expect(expected).toBeGreaterThan(0);
    expect(listed.relatedRecords).toBe(expected);
    expect(full.relatedRecords).toBeGreaterThan(listed.relatedRecords);
    // Its own model: another MI model version than the whole database's.
    expect(listed.miModelVersion).not.toBe(full.miModelVersion);
    expect(listed.candidates).toHaveLength(4);
    // Nothing of the listed tasks in the database: the campaign's own optimizer takes over, and is told why.
    await expect(
      proposeWithDatabasePrior(
        db,
        request([], { related: { systems: [{ basePolymer: 'PX', monomer: 'nope' }] } }),
      ),
    ).rejects.toThrow(/no sample of the listed campaigns or material systems/);
  });

  it('selects related campaigns by the runs they made and systems by their materials', () => {
    const record = (id: string, campaignId?: string) =>
      ({
        id,
        property: 'dg',
        system: {
          basePolymer: { id: 'PX', descriptors: {} },
          monomers: [{ id: 'M-a', fraction: 1, descriptors: {} }],
        },
        ...(campaignId ? { campaignId } : {}),
      }) as unknown as ReturnType<typeof trainingSet>['records'][number];
    const set = {
      records: [record('a', 'cmp-1'), record('b', 'cmp-2'), record('c')],
    } as unknown as ReturnType<typeof trainingSet>;
    expect(relatedTasks(set, { campaigns: ['cmp-2'] }).records.map((r) => r.id)).toEqual(['b']);
    expect(relatedTasks(set, { systems: [{ basePolymer: 'px', monomer: 'm-a' }] }).records).toHaveLength(3);
    expect(relatedTasks(set, undefined)).toBe(set);
    expect(() => relatedTasks(set, { campaigns: ['cmp-9'] })).toThrow(PriorUnavailable);
  });

  it('says why it cannot help when the system or an output is unknown to the database', async () => {
    await expect(
      proposeWithDatabasePrior(
        db,
        request([], {
          system: { basePolymer: 'PY', monomer: ['nope'], method: 'pre-irradiation', values: {} },
        }),
      ),
    ).rejects.toThrow(PriorUnavailable);
    await expect(
      proposeWithDatabasePrior(
        db,
        request([], { objective: { targets: [{ name: 'tensileStrength', mode: 'max' }] } }),
      ),
    ).rejects.toThrow(/tensileStrength is not a property the MI database has data on/);
  });
});
