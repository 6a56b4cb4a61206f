import type { TrainingRecord } from '@graftlab/mi-model';
import { MiModelCache, usableRecords } from './model.cache';
import { RANK_SPEC_SCHEMA } from './rank.request';
import type { TrainingSet } from './training-records.mapping';

const record = (id: string, value: number, extra: Partial<TrainingRecord> = {}): TrainingRecord => ({
  id: `${id}/m:1`,
  systemId: 'P|M',
  system: {
    basePolymer: { id: 'P', descriptors: { radicalYield: 0.5 } },
    monomers: [{ id: 'M', fraction: 1, descriptors: { polarizability: 0.3 } }],
  },
  irradiation: {
    method: 'pre-irradiation',
    source: 'gamma',
    atmosphere: 'inert',
    doseKGy: 10 + Number(id.slice(1)),
  },
  conditions: { concentrationWtPct: 20, temperatureC: 60, timeH: 2 },
  property: 'degree_of_grafting',
  unit: '%',
  value,
  uncertainty: 1,
  source: 'history',
  ...extra,
});

describe('usableRecords', () => {
  it('leaves out what the model cannot learn, saying why', () => {
    const bare = record('s9', 40, {
      system: {
        basePolymer: { id: 'PE/PP', descriptors: {} },
        monomers: [{ id: 'GMA', fraction: 1, descriptors: {} }],
      },
    });
    const set: TrainingSet = {
      records: [
        record('s1', 10),
        record('s2', 20),
        record('s3', 30),
        record('s4', -5), // log1p of DG < −1 is not a value
        bare,
        record('s5', 3, { property: 'swelling' }), // one record: no model
      ],
      skipped: [],
      samples: 6,
    };
    const { records, skipped } = usableRecords(set);
    expect(records.map((r) => r.id)).toEqual(['s1/m:1', 's2/m:1', 's3/m:1']);
    expect(skipped).toEqual([
      {
        sampleId: 's9',
        reason: expect.stringMatching(/^degree_of_grafting: no descriptors for PE\/PP, GMA/),
      },
      { sampleId: 's4', reason: 'degree_of_grafting = -5 % cannot be learned' },
      { sampleId: '*', reason: 'swelling: 1 record(s), a model needs 3' },
    ]);
  });
});

describe('MiModelCache', () => {
  it('trains once for concurrent callers and again only when the data version changes', async () => {
    let version = 'v1';
    let loads = 0;
    const records = Array.from({ length: 12 }, (_, i) => record(`s${i}`, 10 + 3 * i));
    const cache = new MiModelCache({
      version: () => Promise.resolve(version),
      load: () => {
        loads++;
        return Promise.resolve({
          records: records.slice(0, version === 'v1' ? 10 : 12),
          skipped: [],
          samples: 12,
        });
      },
    });
    const [a, b] = await Promise.all([cache.current(), cache.current()]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect(await cache.current()).toBe(a);
    expect(loads).toBe(1);
    version = 'v2';
    const c = await cache.current();
    expect(loads).toBe(2);
    expect(c.mode).toBe('incremental');
    expect(c.trainingSize.records).toBe(12);
    expect(c.model.version).not.toBe(a.model.version);
  });
});

describe('protocols/examples/rank.example.json', () => {
  it('is a rank spec of the published shape', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spec = require('../../../protocols/examples/rank.example.json') as unknown;
    expect(RANK_SPEC_SCHEMA.safeParse(spec).success).toBe(true);
  });
});
