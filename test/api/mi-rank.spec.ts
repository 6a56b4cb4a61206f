import request from 'supertest';
import { seedSyntheticDatabase, UNSEEN_MONOMER } from '@graftlab/mi-service';
import { startApiApp, type ApiApp } from './support/api-app';

const SPEC = {
  targets: [
    { property: 'DG', min: 100, unit: '%' },
    { property: 'water_uptake', max: 60 },
  ],
  candidates: { basePolymers: ['PX', 'PY'], monomers: ['M-a', 'M-e', UNSEEN_MONOMER.name] },
  conditions: { temperatureC: { values: [60] } },
  top: 4,
};

/** POST /api/mi/rank and GET /api/mi/model over a real PostgreSQL database. */
describe('POST /api/mi/rank', () => {
  let api: ApiApp;
  const http = () => request(api.app.getHttpServer());
  const as = (role: 'scientist' | 'operator') => `Bearer ${api.tokens[role]}`;

  beforeAll(async () => {
    api = await startApiApp();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 409 while the database holds nothing to learn from, and 401 without a token', async () => {
    const res = await http().post('/api/mi/rank').set('authorization', as('scientist')).send(SPEC);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/no measured sample/);
    expect((await http().post('/api/mi/rank').send(SPEC)).status).toBe(401);
  });

  it('ranks proposals with mean ± sd per target, P(meet all), the model version and training size; trains once', async () => {
    await seedSyntheticDatabase(api.db, 6);
    expect((await http().get('/api/mi/model').set('authorization', as('operator'))).body).toMatchObject({
      state: 'empty',
      modelVersion: null,
    });
    // The model trains in a worker thread: the API keeps answering meanwhile (and says it is training).
    let done = false;
    const pending = http()
      .post('/api/mi/rank')
      .set('authorization', as('scientist'))
      .send(SPEC)
      .then((r) => {
        done = true;
        return r;
      });
    const seen = new Set<string>();
    while (!done) {
      const t0 = Date.now();
      const s = await http().get('/api/mi/model').set('authorization', as('operator'));
      expect(Date.now() - t0).toBeLessThan(500);
      seen.add(s.body.state);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toContain('training');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      modelVersion: expect.stringMatching(/^mi-[0-9a-f]{16}$/),
      trainingSize: { records: 120, samples: 60, byProperty: { degree_of_grafting: 60, water_uptake: 60 } },
    });
    expect(res.body.proposals).toHaveLength(4);
    expect(res.body.proposals[0]).toMatchObject({
      rank: 1,
      basePolymer: expect.any(String),
      monomers: [{ name: expect.any(String), fraction: 1 }],
      conditions: { temperatureC: 60, method: 'pre-irradiation' },
      probability: expect.any(Number),
      predictions: [
        {
          property: 'degree_of_grafting',
          unit: '%',
          min: 100,
          mean: expect.any(Number),
          sd: expect.any(Number),
        },
        { property: 'water_uptake', unit: '%', max: 60 },
      ],
    });
    const status = (await http().get('/api/mi/model').set('authorization', as('scientist'))).body;
    expect(status).toMatchObject({ state: 'ready', modelVersion: res.body.modelVersion, mode: 'fit' });
    // Same data: the same model, not trained again.
    const again = await http().post('/api/mi/rank').set('authorization', as('operator')).send(SPEC);
    expect(again.body.modelVersion).toBe(res.body.modelVersion);
    expect(again.body.proposals).toEqual(res.body.proposals);
    expect((await http().get('/api/mi/model').set('authorization', as('scientist'))).body.dataVersion).toBe(
      status.dataVersion,
    );
  });

  it('refuses a bad spec with 422 and JSON pointers', async () => {
    const res = await http()
      .post('/api/mi/rank')
      .set('authorization', as('scientist'))
      .send({
        targets: [
          { property: 'sparkle', min: 1 },
          { property: 'DG', min: 100, unit: 'mS/cm' },
        ],
        candidates: { basePolymers: ['PX'], monomers: [] },
      });
    expect(res.status).toBe(422);
    expect(res.body.problems.map((p: { pointer: string }) => p.pointer)).toEqual([
      '/targets/0/property',
      '/targets/1/unit',
      '/candidates/monomers',
    ]);
  });
});
