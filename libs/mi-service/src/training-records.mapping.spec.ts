import {
  DB_ENGINES,
  DoseLedgerRepository,
  importSamples,
  IrradiationsRepository,
  MeasurementsRepository,
  miDataVersion,
  openScratchDatabase,
  readMiSamples,
  ResultsRepository,
  seedBasics,
  seedRun,
  type GraftlabDb,
} from '@graftlab/db';
import { trainingSet } from './training-records.mapping';

/** An alliance record (emulsion, EB in argon) and a literature AEM with a durability series, in the wide layout. */
const IMPORT = [
  [
    'sample_id',
    'origin',
    'doi',
    'base_polymer',
    'bp_tgC',
    'base_material_form',
    'base_material_thickness_um',
    'base_material_crystallinity',
    'recipe_medium',
    'monomer_concentration',
    'monomer_concentration_unit',
    'monomer',
    'mon_polarizabilityA3',
    'dose_kGy',
    'irradiation_method',
    'irradiation_source',
    'irradiation_atmosphere',
    'storage_time_h',
    'param_graftingTemperatureC',
    'param_graftingTimeH',
    'degreeOfGrafting',
    'degreeOfGrafting_u',
    'ion_exchange_capacity_mmol_g',
    'ion_exchange_capacity_mmol_g_u',
    'conductivity_retained@500h',
    'conductivity_retained@500h_u',
  ].join(','),
  'A-1,alliance-history,,PE,-120,film,30,0.6,emulsion,5,wt%,GMA,10.2,20,pre-irradiation,electron-beam,Ar,0.5,40,2,150,5,,,,',
  'L-1,literature,10.1016/j.memsci.2020.118123,ETFE,90,film,25,0.4,solution,20,wt%,VBC,15.1,30,simultaneous,gamma,N2,,60,4,55.2,1.1,1.85,0.05,0.86,0.03',
].join('\n');

describe.each(DB_ENGINES)('MI training records from the database on %s', (engine) => {
  let db: GraftlabDb;
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
    const { protocol } = await seedBasics(db);
    // A lab run: styrene on the seeded ETFE film, dose from the ledger, DG as a run output, IEC measured after.
    const { run, samples } = await seedRun(db, protocol, {
      parameterValues: { dose: 40, graftTemperature: 60, graftTime: 8, styreneConcentration: 50 },
    });
    const sampleId = samples[0].id;
    await new DoseLedgerRepository(db).append({
      sampleId,
      runId: run.id,
      stepKey: 'irradiate',
      commandId: `cmd-${sampleId}`,
      plannedKGy: 40,
      deliveredKGy: 39.5,
      doseRateKGyPerH: 10,
    });
    await new IrradiationsRepository(db).record({
      sampleId,
      runId: run.id,
      method: 'pre-irradiation',
      sourceKind: 'gamma',
      atmosphere: 'N2',
      storageTimeH: 1,
    });
    await new ResultsRepository(db).recordResults(run.id, [
      { sampleId, name: 'degreeOfGrafting', value: 42, unit: '%', uncertainty: 0.8 },
    ]);
    await new MeasurementsRepository(db).add({
      sampleId,
      property: 'ion_exchange_capacity',
      value: 2.1,
      unit: 'meq/g',
      uncertainty: 0.05,
      runId: run.id,
    });
    const report = await importSamples(db, IMPORT);
    expect(report).toMatchObject({ ok: true, imported: 2 });
  });
  afterAll(async () => {
    await db.close();
  });

  it('reads lab, alliance and literature samples with conditions, descriptors and every measured value', async () => {
    const set = trainingSet(await readMiSamples(db));
    expect(set.skipped).toEqual([]);
    expect(set.samples).toBe(3);
    const bySource = (s: string) => set.records.filter((r) => r.source === s);
    const lab = bySource('lab');
    expect(lab.map((r) => [r.property, r.value, r.unit, r.uncertainty]).sort()).toEqual([
      ['degree_of_grafting', 42, '%', 0.8],
      ['ion_exchange_capacity', 2.1, 'mmol/g', 0.05],
    ]);
    expect(lab[0]).toMatchObject({
      systemId: 'ETFE|styrene',
      system: {
        basePolymer: { id: 'ETFE', descriptors: { radicalYield: 1.2, crystallinity: 0.4, densityGCm3: 1.7 } },
        monomers: [{ id: 'styrene', fraction: 1, descriptors: { polarizability: 14.4 } }],
      },
      irradiation: {
        method: 'pre-irradiation',
        source: 'gamma',
        atmosphere: 'inert',
        doseKGy: 39.5,
        doseRateKGyPerH: 10,
      },
      conditions: { concentrationWtPct: 50, temperatureC: 60, timeH: 8, storageH: 1, thicknessUm: 50 },
    });

    const history = bySource('history');
    expect(history.map((r) => [r.property, r.value])).toEqual([['degree_of_grafting', 150]]);
    expect(history[0]).toMatchObject({
      systemId: 'PE|GMA',
      system: { basePolymer: { descriptors: { tgC: -120, crystallinity: 0.6 } } },
      irradiation: { source: 'electron-beam', atmosphere: 'inert', doseKGy: 20 },
      conditions: {
        concentrationWtPct: 5,
        temperatureC: 40,
        timeH: 2,
        storageH: 0.5,
        thicknessUm: 30,
        medium: 'emulsion',
      },
    });

    const literature = bySource('literature');
    expect(literature.map((r) => [r.property, r.value, r.timeOnTestH ?? 0, r.uncertainty]).sort()).toEqual([
      ['conductivity_retained', 0.86, 500, 0.03],
      ['degree_of_grafting', 55.2, 0, 1.1],
      ['ion_exchange_capacity', 1.85, 0, 0.05],
    ]);
    expect(literature[0]).toMatchObject({
      systemId: 'ETFE|VBC',
      irradiation: { method: 'simultaneous', doseKGy: 30 },
      conditions: { concentrationWtPct: 20, temperatureC: 60, timeH: 4 },
    });
    // Record ids are unique (the model refuses duplicates) and stable across reads.
    expect(new Set(set.records.map((r) => r.id)).size).toBe(set.records.length);
    expect(trainingSet(await readMiSamples(db)).records.map((r) => r.id)).toEqual(
      set.records.map((r) => r.id),
    );
  });

  it('counts a run output once when the same property was also measured', async () => {
    const rows = await readMiSamples(db);
    const lab = rows.find((r) => r.origin === 'measured-here')!;
    await new MeasurementsRepository(db).add({
      sampleId: lab.sampleId,
      property: 'degree_of_grafting',
      value: 41.5,
      unit: '%',
      uncertainty: 0.5,
    });
    const records = trainingSet(await readMiSamples(db)).records.filter(
      (r) => r.source === 'lab' && r.property === 'degree_of_grafting',
    );
    expect(records.map((r) => r.value)).toEqual([41.5]);
  });

  it('names why a sample with values cannot be used, and changes the data version with the data', async () => {
    const before = await miDataVersion(db);
    expect(await miDataVersion(db)).toBe(before);
    const rows = await readMiSamples(db);
    const noDose = { ...rows[0], sampleId: 'x', doseKGy: null, parameters: {} };
    expect(trainingSet([noDose]).skipped).toEqual([{ sampleId: 'x', reason: 'no dose recorded' }]);
    const lab = rows.find((r) => r.origin === 'measured-here')!;
    await new MeasurementsRepository(db).add({
      sampleId: lab.sampleId,
      property: 'water_uptake',
      value: 30,
      unit: '%',
      uncertainty: 2,
    });
    const afterMeasurement = await miDataVersion(db);
    expect(afterMeasurement).not.toBe(before);
    // An irradiation record filled in later (storage time at monomer contact) is a change too.
    await new IrradiationsRepository(db).record({
      sampleId: lab.sampleId,
      runId: lab.runId,
      storageTemperatureC: -60,
    });
    expect(await miDataVersion(db)).not.toBe(afterMeasurement);
  });
});
