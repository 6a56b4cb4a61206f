import { sql } from 'drizzle-orm';
import { parseCsv, writeCsv } from './csv';
import type { GraftlabDb } from './db.types';
import { exportRows, exportSamples } from './export';
import { importSamples } from './import';
import { exportMeasurementRows } from './measurements.export';
import { samplePassport } from './passport';
import { DB_ENGINES, openScratchDatabase } from './testing/scratch-database';

const KOH = '{"medium":"1 M KOH","temperatureC":80}';

/** Three grafts: a literature AEM with two monomers and a durability series, an alliance record, a nonwoven. */
const TABLE: string[][] = [
  [
    'sample_id',
    'origin',
    'doi',
    'citation',
    'source_lab',
    'source_date',
    'created_at',
    'base_polymer',
    'base_polymer_class',
    'bp_tgC',
    'base_material_form',
    'base_material_thickness_um',
    'base_material_basis_weight_g_m2',
    'base_material_crystallinity',
    'base_material_lot',
    'recipe_medium',
    'monomer_concentration',
    'monomer_concentration_unit',
    'monomer',
    'monomer_smiles',
    'monomer_molar_mass_g_mol',
    'monomer_fraction',
    'mon_polarizabilityA3',
    'monomer_2',
    'monomer_2_smiles',
    'monomer_2_fraction',
    'monomer_fraction_basis',
    'crosslinker',
    'crosslinker_concentration',
    'crosslinker_concentration_unit',
    'solvent',
    'solvent_cas',
    'surfactant',
    'surfactant_concentration',
    'surfactant_concentration_unit',
    'dose_kGy',
    'dose_rate_kGy_h',
    'irradiation_method',
    'irradiation_source',
    'irradiation_atmosphere',
    'irradiation_temperature_c',
    'storage_time_h',
    'storage_temperature_c',
    'param_graftingTemperatureC',
    'param_graftingTimeH',
    'degreeOfGrafting',
    'degreeOfGrafting_u',
    'ion_exchange_capacity_mmol_g',
    'ion_exchange_capacity_mmol_g_u',
    'conductivity_mS_cm',
    'conductivity_mS_cm_u',
    'conductivity_retained@0h',
    'conductivity_retained@0h_u',
    'conductivity_retained@500h',
    'conductivity_retained@500h_u',
    'conductivity_retained@1000h',
    'conductivity_retained@1000h_u',
    'conductivity_retained_conditions',
    'conductivity_retained_method',
  ],
  [
    'L-1',
    'literature',
    '10.1016/j.memsci.2020.118123',
    'Koshikawa et al., J. Membr. Sci. 2020',
    'QST Takasaki',
    '2020-05',
    '2020-05-01T00:00:00.000Z',
    'ETFE',
    'fluoropolymer',
    '90',
    'film',
    '25',
    '',
    '0.4',
    'ETFE-25-A',
    'solution',
    '20',
    'wt%',
    'styrene',
    'C=Cc1ccccc1',
    '104.15',
    '0.6',
    '14.4',
    'NVIm',
    'C=CN1C=CN=C1',
    '0.4',
    'mol',
    'DVB',
    '2',
    'wt%',
    'toluene',
    '108-88-3',
    '',
    '',
    '',
    '30',
    '10',
    'pre-irradiation',
    'gamma',
    'N2',
    '-78',
    '1.5',
    '-60',
    '60',
    '4',
    '55.2',
    '1.1',
    '1.85',
    '0.05',
    '12.4',
    '0.6',
    '1',
    '0.02',
    '0.86',
    '0.03',
    '0.71',
    '0.03',
    KOH,
    'in-plane impedance after ageing',
  ],
  [
    'A-1',
    'alliance-history',
    '',
    '',
    'QST Takasaki',
    '2018',
    '2018-11-20T00:00:00.000Z',
    'ETFE',
    'fluoropolymer',
    '90',
    'film',
    '50',
    '',
    '',
    'ETFE-50-B',
    'emulsion',
    '5',
    'wt%',
    'VBC',
    'C=Cc1ccc(CCl)cc1',
    '152.62',
    '1',
    '',
    '',
    '',
    '',
    'mol',
    '',
    '',
    '',
    'water',
    '7732-18-5',
    'Triton X-100',
    '1',
    'wt%',
    '20',
    '5',
    'pre-irradiation',
    'electron-beam',
    'Ar',
    '25',
    '0.5',
    '-78',
    '50',
    '2',
    '98',
    '2',
    '2.6',
    '0.08',
    '44',
    '2',
    '1',
    '0.02',
    '0.93',
    '0.03',
    '',
    '',
    KOH,
    'in-plane impedance after ageing',
  ],
  [
    'L-2',
    'literature',
    '10.1021/acs.iecr.9b01234',
    'Othman and Seko, Ind. Eng. Chem. Res. 2019',
    '',
    '2019',
    '2019-07-01T00:00:00.000Z',
    'PE/PP',
    'polyolefin',
    '',
    'nonwoven',
    '',
    '45',
    '',
    '',
    'emulsion',
    '3',
    'wt%',
    'GMA',
    'CC(=C)C(=O)OCC1CO1',
    '142.15',
    '1',
    '',
    '',
    '',
    '',
    'mol',
    '',
    '',
    '',
    'water',
    '7732-18-5',
    'Tween 20',
    '0.5',
    'wt%',
    '50',
    '',
    'simultaneous',
    'gamma',
    'N2',
    '',
    '',
    '',
    '40',
    '1',
    '150',
    '5',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ],
];

const csvOf = (table: string[][]) => writeCsv(table);

describe.each(DB_ENGINES)('MI CSV round trip on %s', (engine) => {
  let db: GraftlabDb;
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
  });
  afterAll(async () => {
    await db.close();
  });

  const count = async (table: string) =>
    Number(
      (
        (await db.execute(sql.raw(`select count(*) as n from ${table}`))) as unknown as {
          rows: { n: string }[];
        }
      ).rows[0].n,
    );

  it('refuses the whole file for one bad row, naming each row and column', async () => {
    const bad = TABLE.map((r) => [...r]);
    const col = (name: string) => TABLE[0].indexOf(name);
    bad[1][col('conductivity_retained@500h_u')] = '';
    bad[1][col('monomer_2_fraction')] = '0.5';
    bad[3][col('doi')] = 'not-a-doi';
    bad[3][col('irradiation_atmosphere')] = 'O2';
    const report = await importSamples(db, csvOf(bad));
    expect(report).toMatchObject({ ok: false, imported: 0, rows: 3 });
    expect(report.rejected.map((r) => [r.row, r.field])).toEqual([
      [2, 'conductivity_retained@500h_u'],
      [2, 'monomer_fraction'],
      [4, 'doi'],
      [4, 'irradiation_atmosphere'],
    ]);
    expect(report.rejected[0].reason).toMatch(/^required: the standard uncertainty/);
    expect(report.rejected[1].reason).toBe('the monomer fractions add up to 1.1, not 1');
    expect(await count('samples')).toBe(0);
  });

  it('refuses a row that contradicts an earlier one about a material, and writes nothing', async () => {
    const bad = TABLE.map((r) => [...r]);
    bad[2][TABLE[0].indexOf('bp_tgC')] = '95';
    const report = await importSamples(db, csvOf(bad));
    expect(report.rejected).toEqual([{ row: 3, field: 'bp_tgC', reason: 'already recorded as 90, not 95' }]);
    for (const t of ['samples', 'base_polymers', 'recipes', 'measurements', 'data_sources'])
      expect(await count(t)).toBe(0);
  });

  it('imports descriptors, two-monomer recipes, a durability series and DOIs, and exports them back identical', async () => {
    const report = await importSamples(db, csvOf(TABLE), { actor: 'tester' });
    expect(report).toEqual({ ok: true, imported: 3, rows: 3, rejected: [] });
    const rows = await exportRows(db);
    const [header, ...records] = TABLE;
    for (const record of records) {
      const exported = rows.find((r) => r.sample_id === record[0])!;
      header.forEach((column, i) => {
        const value = exported[column];
        expect([record[0], column, value === null || value === undefined ? '' : String(value)]).toEqual([
          record[0],
          column,
          record[i],
        ]);
      });
    }
    // What the file adds up to: two ETFE films of one polymer, a recipe with two monomers, a time series.
    expect(await count('base_polymers')).toBe(2);
    expect(await count('base_materials')).toBe(3);
    const l1 = (await samplePassport(db, 'L-1'))!;
    expect(l1.provenance).toMatchObject({
      origin: 'literature',
      source: { doi: '10.1016/j.memsci.2020.118123' },
    });
    expect(l1.recipes[0].components.map((c) => [c.role, c.name, c.fraction])).toEqual([
      ['monomer', 'styrene', 0.6],
      ['monomer', 'NVIm', 0.4],
      ['crosslinker', 'DVB', null],
      ['solvent', 'toluene', 1],
    ]);
    expect(l1.irradiations[0]).toMatchObject({
      method: 'pre-irradiation',
      sourceKind: 'gamma',
      storageTimeH: 1.5,
    });
    const series = l1.measurements.find((m) => m.property === 'conductivity_retained')!;
    expect(series.values.map((v) => [v.timeOnTestH, v.value, v.conditions])).toEqual([
      [0, 1, { medium: '1 M KOH', temperatureC: 80 }],
      [500, 0.86, { medium: '1 M KOH', temperatureC: 80 }],
      [1000, 0.71, { medium: '1 M KOH', temperatureC: 80 }],
    ]);

    // The long form: one row per measurement, each saying where it comes from.
    const long = await exportMeasurementRows(db);
    expect(long.filter((r) => r.sample_id === 'L-1')).toHaveLength(5);
    expect(long.find((r) => r.sample_id === 'L-1' && r.time_on_test_h === 500)).toMatchObject({
      property: 'conductivity_retained',
      value: 0.86,
      unit: '1',
      uncertainty: 0.03,
      uncertainty_basis: 'given',
      conditions: KOH,
      origin: 'literature',
      doi: '10.1016/j.memsci.2020.118123',
    });
    expect(new Set(long.filter((r) => r.sample_id === 'A-1').map((r) => r.origin))).toEqual(
      new Set(['alliance-history']),
    );

    // Export, import into another database, export again: the same file (run ids aside, which are that database's).
    const csv = await exportSamples(db, {}, 'csv');
    const other = await openScratchDatabase(engine);
    try {
      expect(await importSamples(other, csv)).toMatchObject({ ok: true, imported: 3 });
      const again = await exportSamples(other, {}, 'csv');
      const strip = (text: string) =>
        parseCsv(text).map((r, _i, all) => r.filter((_v, j) => all[0][j] !== 'run_id'));
      expect(strip(again)).toEqual(strip(csv));
    } finally {
      await other.close();
    }
  });
});
