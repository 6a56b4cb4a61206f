import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { AuditRepository, parseCsv, SamplesRepository } from '@graftlab/db';
import { startApiApp, type ApiApp } from './support/api-app';

/** Measurements and structure files recorded on a sample after its run, through the API. */
describe('POST /api/samples/:id/measurements and /structure', () => {
  let api: ApiApp;
  let sampleId: string;
  const http = () => request(api.app.getHttpServer());
  const as = (role: 'operator' | 'scientist' | 'instrument' | 'safety-officer') =>
    `Bearer ${api.tokens[role]}`;
  const auditEntries = async () =>
    Number(
      (
        (await api.db.execute(sql`select count(*) as n from audit_log`)) as unknown as {
          rows: { n: string }[];
        }
      ).rows[0].n,
    );
  const measurementCount = async () =>
    Number(
      (
        (await api.db.execute(sql`select count(*) as n from measurements`)) as unknown as {
          rows: { n: string }[];
        }
      ).rows[0].n,
    );

  beforeAll(async () => {
    api = await startApiApp();
    sampleId = (await new SamplesRepository(api.db).register({ id: 's-api-1', location: 'rack-a' })).id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('records a value in another unit, converted, with the uncertainty of the mean of its replicates, and audits it', async () => {
    const before = await auditEntries();
    const res = await http()
      .post(`/api/samples/${sampleId}/measurements`)
      .set('authorization', as('operator'))
      .send({
        property: 'conductivity',
        unit: 'S/cm',
        replicates: [0.044, 0.046, 0.045],
        instrument: 'four-probe impedance cell',
        conditions: { ionForm: 'OH-', temperatureC: 25, relativeHumidityPct: 100 },
        measuredAt: '2026-11-30T10:00:00Z',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sampleId,
      property: 'conductivity',
      value: 45,
      unit: 'mS/cm',
      uncertaintyBasis: 'replicates',
      originalValue: 0.045,
      originalUnit: 'S/cm',
      replicates: [0.044, 0.046, 0.045],
      operator: 'operator-1',
      origin: 'measured-here',
    });
    expect(res.body.uncertainty).toBeCloseTo((0.001 / Math.sqrt(3)) * 1000, 9);
    const entries = (await new AuditRepository(api.db).list(before, 10)).filter(
      (e) => e.action === 'measurement.add',
    );
    expect(entries).toEqual([
      expect.objectContaining({ actor: 'operator-1', role: 'operator', target: `sample:${sampleId}` }),
    ]);
    expect((entries[0].after as { id: string }).id).toBe(res.body.id);
    expect(await new AuditRepository(api.db).verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('refuses an incompatible unit with 422 naming /unit, and writes nothing', async () => {
    const [before, measured] = [await auditEntries(), await measurementCount()];
    const res = await http()
      .post(`/api/samples/${sampleId}/measurements`)
      .set('authorization', as('scientist'))
      .send({ property: 'IEC', value: 2.1, unit: 'mS/cm', uncertainty: 0.05 });
    expect(res.status).toBe(422);
    expect(res.body.pointer).toBe('/unit');
    expect(res.body.message).toMatch(/not a unit of ion-exchange capacity/);
    expect([await auditEntries(), await measurementCount()]).toEqual([before, measured]);
  });

  it('refuses a value whose uncertainty is neither given nor derivable, saying why', async () => {
    const res = await http()
      .post(`/api/samples/${sampleId}/measurements`)
      .set('authorization', as('operator'))
      .send({ property: 'water_uptake', value: 42, unit: '%' });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([
      {
        pointer: '/uncertainty',
        message:
          'required: give the uncertainty (standard, k = 1), two or more replicates, or the instrument resolution',
      },
    ]);
    const unknownField = await http()
      .post(`/api/samples/${sampleId}/measurements`)
      .set('authorization', as('operator'))
      .send({ property: 'water_uptake', value: 42, unit: '%', uncertainty: 2, colour: 'blue' });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.pointer).toBe('/colour');
  });

  it('answers 404 for an unknown sample and 403 to roles that do not measure', async () => {
    const body = { property: 'iec', value: 2.1, unit: 'mmol/g', uncertainty: 0.05 };
    const missing = await http()
      .post('/api/samples/no-such/measurements')
      .set('authorization', as('operator'))
      .send(body);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('sample no-such not found');
    for (const role of ['instrument', 'safety-officer'] as const) {
      const res = await http()
        .post(`/api/samples/${sampleId}/measurements`)
        .set('authorization', as(role))
        .send(body);
      expect([role, res.status]).toEqual([role, 403]);
    }
  });

  it('records a durability series the passport shows in order of time on test, and exports it long and wide', async () => {
    for (const [t, v] of [
      [1000, 71],
      [0, 100],
      [500, 86],
    ]) {
      const res = await http()
        .post(`/api/samples/${sampleId}/measurements`)
        .set('authorization', as('scientist'))
        .send({
          property: 'conductivity_retained',
          value: v,
          unit: '%',
          uncertainty: 3,
          timeOnTestH: t,
          conditions: { medium: '1 M KOH', temperatureC: 80 },
        });
      expect(res.status).toBe(201);
    }
    const passport = await http().get(`/api/samples/${sampleId}`).set('authorization', as('operator'));
    const series = (
      passport.body.measurements as { property: string; values: { timeOnTestH: number; value: number }[] }[]
    ).find((m) => m.property === 'conductivity_retained')!;
    expect(series.values.map((v) => [v.timeOnTestH, v.value])).toEqual([
      [0, 1],
      [500, 0.86],
      [1000, 0.71],
    ]);
    const long = await http().get('/api/samples?shape=long&format=csv').set('authorization', as('scientist'));
    const [header, ...rows] = parseCsv(long.text);
    expect(header[0]).toBe('measurement_id');
    expect(rows.filter((r) => r[header.indexOf('property')] === 'conductivity_retained')).toHaveLength(3);
    const wide = await http().get('/api/samples').set('authorization', as('scientist'));
    expect(wide.body.find((r: { sample_id: string }) => r.sample_id === sampleId)).toMatchObject({
      'conductivity_retained@500h': 0.86,
      'conductivity_retained@500h_u': 0.03,
      conductivity_mS_cm: 45,
    });
  });

  it('attaches an I(q) curve once by its hash, derives the domain spacing and serves the bytes', async () => {
    const q = Array.from({ length: 100 }, (_, i) => 0.3 + i * 0.02);
    const I = q.map((x) => 0.05 / x ** 3 + 2 * Math.exp(-((x - 1.2) ** 2) / 0.02));
    const body = {
      kind: 'saxs',
      x: q,
      y: I,
      xQuantity: 'q',
      xUnit: '1/nm',
      yQuantity: 'I',
      yUnit: '1/cm',
      derive: ['domain_spacing'],
    };
    const res = await http()
      .post(`/api/samples/${sampleId}/structure`)
      .set('authorization', as('scientist'))
      .send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: true, structure: { kind: 'saxs', points: 100 } });
    expect(res.body.derived[0]).toMatchObject({
      property: 'domain_spacing',
      unit: 'nm',
      structureId: res.body.structure.id,
    });
    expect(res.body.derived[0].value).toBeCloseTo((2 * Math.PI) / 1.2, 1);
    const again = await http()
      .post(`/api/samples/${sampleId}/structure`)
      .set('authorization', as('scientist'))
      .send(body);
    expect(again.body).toMatchObject({ created: false, url: res.body.url });
    const file = await http().get(res.body.url).set('authorization', as('operator'));
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(createHash('sha256').update(file.text).digest('hex')).toBe(res.body.structure.sha256);
    const missing = await http()
      .get(`/api/structure/${'0'.repeat(64)}`)
      .set('authorization', as('operator'));
    expect(missing.status).toBe(404);
  });

  it('takes a file as a multipart upload and gives the same bytes back', async () => {
    const bytes = Buffer.from('\x89PNG\r\n\x1a\n fake micrograph', 'latin1');
    const res = await http()
      .post(`/api/samples/${sampleId}/structure`)
      .set('authorization', as('operator'))
      .field(
        'metadata',
        JSON.stringify({ kind: 'sem', instrument: 'SEM cross-section', note: 'grafting front' }),
      )
      .attach('file', bytes, { filename: 'front.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    expect(res.body.structure).toMatchObject({ kind: 'sem', mediaType: 'image/png' });
    const file = await http()
      .get(res.body.url)
      .set('authorization', as('operator'))
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect((file.body as Buffer).equals(bytes)).toBe(true);
    const bad = await http()
      .post(`/api/samples/${sampleId}/structure`)
      .set('authorization', as('operator'))
      .field('metadata', '{"kind": "sem"')
      .attach('file', bytes, { filename: 'front.png', contentType: 'image/png' });
    expect(bad.status).toBe(422);
    expect(bad.body.pointer).toBe('/metadata');
  });
});
