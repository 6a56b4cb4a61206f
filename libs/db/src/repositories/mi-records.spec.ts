import { sql } from 'drizzle-orm';
import { DocumentError } from '@graftlab/validation';
import { NotFoundError } from '../db.errors';
import type { GraftlabDb } from '../db.types';
import { samplePassport } from '../passport';
import { seedBasics, seedRun } from '../testing/seed';
import { DB_ENGINES, openScratchDatabase } from '../testing/scratch-database';
import type { ProtocolVersion } from './protocols.repository';
import { IrradiationsRepository } from './irradiations.repository';
import { MaterialsRepository } from './materials.repository';
import { MeasurementsRepository } from './measurements.repository';
import { RecipesRepository } from './recipes.repository';
import { RunsRepository } from './runs.repository';
import { SamplesRepository } from './samples.repository';
import { StructuresRepository } from './structures.repository';

/** The pointers of a refusal. */
async function refusal(p: Promise<unknown>): Promise<string[][]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DocumentError) return e.problems.map((x) => [x.pointer, x.message]);
    throw e;
  }
  throw new Error('expected a refusal');
}

describe.each(DB_ENGINES)('MI records on %s', (engine) => {
  let db: GraftlabDb;
  let protocol: ProtocolVersion;
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
    ({ protocol } = await seedBasics(db));
  });
  afterAll(async () => {
    await db.close();
  });

  describe('materials', () => {
    it('keeps a 25 µm and a 50 µm film of one polymer as two base materials, ids derived from identity', async () => {
      const repo = new MaterialsRepository(db);
      const thin = await repo.upsertBaseMaterial({
        polymer: 'PVDF',
        form: 'film',
        thicknessUm: 25,
        supplierLot: 'L1',
      });
      const thick = await repo.upsertBaseMaterial({
        polymer: 'PVDF',
        form: 'film',
        thicknessUm: 50,
        supplierLot: 'L1',
      });
      expect(thin.id).not.toBe(thick.id);
      expect(thin.polymerId).toBe(thick.polymerId);
      expect(thin.name).toBe('PVDF film 25 µm, lot L1');
      const again = await repo.upsertBaseMaterial({
        polymer: 'PVDF',
        form: 'film',
        thicknessUm: 25,
        supplierLot: 'L1',
      });
      expect(again.id).toBe(thin.id);
      expect(
        await repo.upsertBaseMaterial({ polymer: 'PVDF', form: 'fabric', thicknessUm: 25 }),
      ).toMatchObject({
        form: 'nonwoven',
      });
    });

    it('fills empty descriptors from the catalogue, records which, and lets a stated value replace one', async () => {
      const repo = new MaterialsRepository(db);
      const film = await repo.upsertBaseMaterial({ polymer: 'FEP', form: 'film', thicknessUm: 25 });
      expect(film).toMatchObject({
        crystallinity: 0.45,
        densityGCm3: 2.15,
        catalogueRef: 'grafting-model:FEP',
        catalogueFields: ['crystallinity', 'densityGCm3'],
      });
      const polymer = (await repo.basePolymerByName('FEP'))!;
      expect(polymer.descriptors).toMatchObject({ fluorinated: 1, radicalYield: 0.42 });
      expect(polymer.catalogueFields).toContain('descriptors.radicalYield');
      // A measured crystallinity replaces the typical one; once stated, a different statement is a conflict.
      const measured = await repo.upsertBaseMaterial({
        polymer: 'FEP',
        form: 'film',
        thicknessUm: 25,
        crystallinity: 0.41,
      });
      expect(measured).toMatchObject({ crystallinity: 0.41, catalogueFields: ['densityGCm3'] });
      expect(
        await refusal(
          repo.upsertBaseMaterial({ polymer: 'FEP', form: 'film', thicknessUm: 25, crystallinity: 0.5 }),
        ),
      ).toEqual([['/crystallinity', 'already recorded as 0.41, not 0.5']]);
      // A fibre is not the catalogue's film: its typical crystallinity is not borrowed.
      const fibre = await repo.upsertBaseMaterial({ polymer: 'FEP', form: 'fibre', thicknessUm: 20 });
      expect(fibre.crystallinity).toBeNull();
      const bare = await repo.upsertBaseMaterial({
        polymer: 'PEEK',
        form: 'film',
        thicknessUm: 12,
        catalogue: false,
      });
      expect(bare).toMatchObject({ crystallinity: null, catalogueFields: [] });
    });

    it('refuses a form as a polymer class, and the legacy call no longer stores one there', async () => {
      const repo = new MaterialsRepository(db);
      expect(await refusal(repo.upsertBasePolymer({ name: 'PP', polymerClass: 'film' }))).toEqual([
        ['/polymerClass', '"film" is a form; the form belongs to the base material'],
      ]);
      expect((await repo.addBasePolymer({ name: 'HDPE', polymerClass: 'film' })).polymerClass).toBeNull();
      expect(await refusal(repo.upsertBaseMaterial({ polymer: 'PP', form: 'sheet' }))).toEqual([
        ['/form', '"sheet" is not a form (film, nonwoven, fibre, powder, membrane (also fabric, fiber))'],
      ]);
    });

    it('fills a catalogue monomer and checks identifiers', async () => {
      const repo = new MaterialsRepository(db);
      const vbc = await repo.upsertMonomer({ name: 'VBC' });
      expect(vbc).toMatchObject({ smiles: 'C=Cc1ccc(CCl)cc1', cas: '1592-20-7', molarMassGMol: 152.62 });
      expect(vbc.catalogueFields).toEqual(
        expect.arrayContaining(['cas', 'molarMassGMol', 'descriptors.logP']),
      );
      expect(await refusal(repo.upsertMonomer({ name: 'X', cas: '12' }))).toEqual([
        ['/cas', '"12" is not a CAS number (e.g. 100-42-5)'],
      ]);
    });
  });

  describe('recipes', () => {
    const coGraft = (order: 'ab' | 'ba') => {
      const st = { role: 'monomer' as const, material: 'styrene', fraction: 0.6 };
      const nvim = { role: 'monomer' as const, material: 'NVIm', fraction: 0.4 };
      return {
        name: 'St/NVIm 6:4 in toluene',
        medium: 'solution' as const,
        monomerConcentration: 20,
        monomerConcentrationUnit: 'wt %',
        components: [
          ...(order === 'ab' ? [st, nvim] : [nvim, st]),
          { role: 'solvent' as const, material: { name: 'toluene', cas: '108-88-3' } },
          { role: 'crosslinker' as const, material: 'DVB', concentration: 2, concentrationUnit: 'wt%' },
        ],
      };
    };

    it('is one content-addressed recipe whatever the order, main monomer first', async () => {
      const repo = new RecipesRepository(db);
      const a = await repo.upsert(coGraft('ab'));
      const b = await repo.upsert(coGraft('ba'));
      expect(b.id).toBe(a.id);
      expect(a.id).toMatch(/^rcp-[0-9a-f]{16}$/);
      expect(a.monomerConcentrationUnit).toBe('wt%');
      expect(a.components.map((c) => [c.position, c.role, c.name, c.fraction, c.fractionBasis])).toEqual([
        [1, 'monomer', 'styrene', 0.6, 'mol'],
        [2, 'monomer', 'NVIm', 0.4, 'mol'],
        [3, 'crosslinker', 'DVB', null, null],
        [4, 'solvent', 'toluene', 1, 'vol'],
      ]);
      const { run } = await new RunsRepository(db).create({
        protocolId: protocol.protocolId,
        protocolVersion: protocol.version,
        protocolHash: protocol.contentHash,
        recipeId: a.id,
      });
      expect(run.monomerId).toBe('styrene');
    });

    it('refuses fractions that do not add up, an ambiguous % and a recipe without a monomer', async () => {
      const repo = new RecipesRepository(db);
      expect(
        await refusal(
          repo.upsert({
            monomerConcentration: 10,
            monomerConcentrationUnit: '%',
            components: [
              { role: 'monomer', material: 'styrene', fraction: 0.5 },
              { role: 'monomer', material: 'VBC', fraction: 0.4 },
            ],
          }),
        ),
      ).toEqual([
        ['/monomerConcentrationUnit', expect.stringContaining('"%" is not a concentration unit')],
        ['/components/0/fraction', 'the monomer fractions add up to 0.9, not 1'],
      ]);
      expect(await refusal(repo.upsert({ components: [{ role: 'solvent', material: 'water' }] }))).toEqual([
        ['/components', 'needs at least one monomer'],
      ]);
    });
  });

  it('fills an irradiation record in parts and refuses a contradiction', async () => {
    const { run, samples } = await seedRun(db, protocol);
    const repo = new IrradiationsRepository(db);
    await repo.record({
      sampleId: samples[0].id,
      runId: run.id,
      method: 'pre-irradiation',
      sourceKind: 'gamma',
      atmosphere: 'N2',
      temperatureC: -78,
    });
    const full = await repo.record({
      sampleId: samples[0].id,
      runId: run.id,
      storageTimeH: 2.5,
      storageTemperatureC: -60,
      method: 'pre-irradiation',
    });
    expect(full).toMatchObject({
      method: 'pre-irradiation',
      atmosphere: 'N2',
      temperatureC: -78,
      storageTimeH: 2.5,
    });
    expect(
      await refusal(repo.record({ sampleId: samples[0].id, runId: run.id, method: 'simultaneous' })),
    ).toEqual([['/method', 'already recorded as pre-irradiation, not simultaneous']]);
    expect((await repo.forSample(samples[0].id)).length).toBe(1);
  });

  describe('measurements', () => {
    it('adds a value after the run, converted, and orders a time series by time on test', async () => {
      const { samples } = await seedRun(db, protocol);
      const repo = new MeasurementsRepository(db);
      const conditions = { medium: '1 M KOH', temperatureC: 80 };
      for (const [t, v] of [
        [1000, 0.71],
        [0, 1],
        [500, 0.86],
      ] as const) {
        await repo.add({
          sampleId: samples[0].id,
          property: 'conductivity_retained',
          value: v * 100,
          unit: '%',
          uncertainty: 2,
          timeOnTestH: t,
          conditions,
          operator: 'ana',
        });
      }
      const series = await repo.forSample(samples[0].id);
      expect(series.map((m) => [m.timeOnTestH, m.value, m.unit, m.uncertainty, m.originalUnit])).toEqual([
        [0, 1, '1', 0.02, '%'],
        [500, 0.86, '1', 0.02, '%'],
        [1000, 0.71, '1', 0.02, '%'],
      ]);
      const p = (await samplePassport(db, samples[0].id))!;
      expect(p.measurements).toEqual([
        expect.objectContaining({ property: 'conductivity_retained', unit: '1', values: expect.any(Array) }),
      ]);
      expect(p.measurements[0].values.map((v) => v.timeOnTestH)).toEqual([0, 500, 1000]);
    });

    it('records a measure step once per (run, step, sample, property) and refuses what it cannot settle', async () => {
      const { run, samples } = await seedRun(db, protocol);
      const repo = new MeasurementsRepository(db);
      const input = {
        runId: run.id,
        stepKey: 'measure-iec',
        sampleId: samples[0].id,
        property: 'IEC',
        value: 2.1,
        unit: 'mmol/g',
        uncertainty: 0.05,
        instrument: 'autotitrator',
        operator: 'ana',
      };
      const first = await repo.record(input);
      const second = await repo.record({ ...input, value: 9 });
      expect([first.inserted, second.inserted]).toEqual([true, false]);
      expect(second.measurement).toMatchObject({
        id: first.measurement.id,
        value: 2.1,
        property: 'ion_exchange_capacity',
      });
      expect(await refusal(repo.record({ ...input, stepKey: 'measure-2', uncertainty: undefined }))).toEqual([
        ['/uncertainty', expect.stringMatching(/^required/)],
      ]);
      expect(await refusal(repo.add({ ...input, runId: 'another-run', stepKey: null }))).toEqual([
        ['/runId', `sample ${samples[0].id} is not in run another-run`],
      ]);
      await expect(repo.add({ ...input, sampleId: 'nobody' })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('structures', () => {
    const q = Array.from({ length: 120 }, (_, i) => 0.2 + i * 0.02);
    const I = q.map((x) => 0.05 / x ** 3 + 3 * Math.exp(-((x - 1.5) ** 2) / (2 * 0.1 ** 2)));

    it('stores an I(q) once by its hash and records the domain spacing it shows, citing it', async () => {
      const { samples } = await seedRun(db, protocol, { samples: 2 });
      const repo = new StructuresRepository(db);
      const saxs = {
        kind: 'saxs' as const,
        x: q,
        y: I,
        xQuantity: 'q',
        xUnit: '1/nm',
        yQuantity: 'I',
        yUnit: '1/cm',
        instrument: 'NANOPIX',
        facility: 'QST Takasaki',
        derive: ['domain_spacing' as const],
      };
      const attached = await repo.attach({ ...saxs, sampleId: samples[0].id });
      expect(attached.created).toBe(true);
      expect(attached.structure).toMatchObject({ xMin: 0.2, points: 120, mediaType: 'text/csv' });
      expect(attached.structure.xMax).toBeCloseTo(2.58, 10);
      expect(attached.url).toBe(`/api/structure/${attached.structure.sha256}`);
      const [d] = attached.derived;
      expect(d).toMatchObject({
        property: 'domain_spacing',
        unit: 'nm',
        uncertaintyBasis: 'resolution',
        structureId: attached.structure.id,
      });
      expect(d.value).toBeCloseTo((2 * Math.PI) / 1.5, 2);
      expect(d.uncertainty!).toBeCloseTo((2 * Math.PI * 0.02) / 1.5 ** 2 / Math.sqrt(12), 3);
      // The same bytes again: nothing new for this sample, one blob for both samples.
      expect((await repo.attach({ ...saxs, sampleId: samples[0].id })).created).toBe(false);
      const other = await repo.attach({ ...saxs, derive: [], sampleId: samples[1].id });
      expect(other.structure.sha256).toBe(attached.structure.sha256);
      const blobs = (
        (await db.execute(
          sql`select count(*) as n from blobs where sha256 = ${attached.structure.sha256}`,
        )) as unknown as { rows: { n: string | number }[] }
      ).rows;
      expect(Number(blobs[0].n)).toBe(1);
      const blob = (await repo.blob(attached.structure.sha256))!;
      expect(blob.bytes.toString('utf8').split('\n')[0]).toBe('q [1/nm],I [1/cm]');
      const p = (await samplePassport(db, samples[0].id))!;
      expect(p.structures.map((s) => s.url)).toEqual([attached.url]);
      expect(p.measurements[0].values[0].structureUrl).toBe(attached.url);
    });

    it('keeps a file as it came, and refuses an I(q) on a wrong axis or a curve without a peak', async () => {
      const { samples } = await seedRun(db, protocol);
      const repo = new StructuresRepository(db);
      const bytes = Buffer.from([0x49, 0x49, 0x2a, 0x00, 1, 2, 3]);
      const file = await repo.attach({
        sampleId: samples[0].id,
        kind: 'sem',
        bytes,
        mediaType: 'image/tiff',
        fileName: 'x.tif',
      });
      expect((await repo.blob(file.structure.sha256))!.bytes.equals(bytes)).toBe(true);
      expect(
        await refusal(repo.attach({ sampleId: samples[0].id, kind: 'saxs', x: q, y: I, xUnit: 'mmol/g' })),
      ).toEqual([['/xUnit', '"mmol/g" is not an inverse length (q in 1/nm or 1/Å, wavenumber in 1/cm)']]);
      expect(
        await refusal(
          repo.attach({
            sampleId: samples[0].id,
            kind: 'saxs',
            x: q,
            y: q.map((x) => 1 / x),
            xUnit: '1/nm',
            derive: ['domain_spacing'],
          }),
        ),
      ).toEqual([['/derive/0', 'the curve has no interior peak to take q* from']]);
      await expect(
        repo.attach({ sampleId: 'nobody', kind: 'sem', bytes, mediaType: 'image/tiff' }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  it('registers a sample by its base material and fills in the polymer', async () => {
    const material = await new MaterialsRepository(db).upsertBaseMaterial({
      polymer: 'LDPE',
      form: 'film',
      thicknessUm: 30,
    });
    const sample = await new SamplesRepository(db).register({ baseMaterialId: material.id });
    expect(sample).toMatchObject({
      baseMaterialId: material.id,
      basePolymerId: 'LDPE',
      origin: 'measured-here',
    });
  });
});
