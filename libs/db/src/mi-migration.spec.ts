import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { GraftlabDb } from './db.types';
import { exportRows } from './export';
import { migrationsFolder } from './migrations-folder';
import { migrateDatabase } from './open-database';
import { samplePassport } from './passport';
import { MaterialsRepository } from './repositories/materials.repository';
import { measurementIdFor } from './repositories/measurements.repository';
import { RecipesRepository } from './repositories/recipes.repository';
import { DB_ENGINES, openScratchDatabase } from './testing/scratch-database';

/** A migrations folder holding only the first `count` migrations of the library's journal. */
async function headFolder(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'graftlab-migrations-'));
  await mkdir(path.join(dir, 'meta'));
  const journal = JSON.parse(
    await readFile(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: { tag: string }[];
  };
  journal.entries = journal.entries.slice(0, count);
  await writeFile(path.join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries)
    await copyFile(path.join(migrationsFolder(), `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

async function rows<T>(db: GraftlabDb, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function count(db: GraftlabDb, table: string): Promise<number> {
  return Number((await rows<{ n: string | number }>(db, sql.raw(`select count(*) as n from ${table}`)))[0].n);
}

/** What 0000 held when a lab run and an import had written to it (raw SQL: the 0000 shape is not the schema any more). */
async function insertTodaysRows(db: GraftlabDb): Promise<void> {
  const protocol = {
    id: 'etfe-aem',
    materials: { base: { polymer: 'ETFE', form: 'film', thickness: '50 µm' } },
    steps: [
      { key: 'weigh-w0', type: 'weigh', record: 'W_0' },
      {
        key: 'characterise',
        type: 'sequence',
        steps: [
          {
            key: 'measure-iec',
            type: 'measure',
            property: 'ion-exchange-capacity',
            instrument: 'autotitrator (back titration)',
            record: 'IEC',
            unit: 'mmol/g',
            conditions: 'Cl- form, Mohr titration',
          },
          {
            key: 'measure-conductivity',
            type: 'measure',
            property: 'conductivity',
            instrument: 'four-probe impedance cell',
            record: 'sigma',
            unit: 'S/cm',
          },
          {
            key: 'measure-contact-angle',
            type: 'measure',
            property: 'contact angle',
            record: 'theta',
            unit: 'deg',
          },
        ],
      },
    ],
  };
  const statements = [
    // A lab run stored the form as the class; an import stored a real class and the film thickness.
    `insert into base_polymers (id, name, class, thickness_um, crystallinity, density_g_cm3, descriptors) values
       ('ETFE', 'ETFE', 'film', 50, 0.4, 1.7, '{"radicalYield": 0.8}'),
       ('PE', 'PE', 'polyolefin', 30, null, null, '{}'),
       ('PE/PP', 'PE/PP', 'fabric', 200, null, null, '{}')`,
    `insert into monomers (id, name, smiles, molar_mass_g_mol, descriptors) values
       ('VBC', 'VBC', 'C=Cc1ccc(CCl)cc1', 152.62, '{"polarizability": 17.5}'),
       ('GMA', 'GMA', null, 142.15, '{}')`,
    `insert into reagent_lots (id, kind, base_polymer_id, supplier_lot) values ('lot-etfe', 'substrate', 'ETFE', 'E-2026-01')`,
    `insert into protocols (id, name) values ('etfe-aem', 'ETFE AEM'), ('imported-records', 'imported-records')`,
    `insert into protocol_versions (protocol_id, version, document, content_hash) values
       ('etfe-aem', 1, '${JSON.stringify(protocol)}', 'hash-etfe'),
       ('imported-records', 1, '{"kind": "imported-records"}', 'hash-imp')`,
    `insert into samples (id, base_polymer_id, substrate_lot_id, initial_mass_g, status) values
       ('s-1', 'ETFE', 'lot-etfe', 0.1, 'grafted'), ('s-2', 'ETFE', 'lot-etfe', 0.1, 'grafted')`,
    `insert into samples (id, base_polymer_id, imported, status, created_at) values
       ('h-1', 'PE', true, 'measured', '2019-04-01T10:00:00Z'), ('h-2', 'PE/PP', true, 'measured', '2019-04-02T10:00:00Z')`,
    `insert into runs (id, protocol_id, protocol_version, protocol_hash, parameter_values, monomer_id, state) values
       ('run-1', 'etfe-aem', 1, 'hash-etfe', '{"doseKGy": 30}', 'VBC', 'completed'),
       ('run-h1', 'imported-records', 1, 'hash-imp', '{"temperatureC": 40}', 'GMA', 'completed'),
       ('run-h2', 'imported-records', 1, 'hash-imp', '{"temperatureC": 40}', 'GMA', 'completed')`,
    `insert into run_samples (run_id, sample_id) values ('run-1', 's-1'), ('run-1', 's-2'), ('run-h1', 'h-1'), ('run-h2', 'h-2')`,
    `insert into dose_ledger (sample_id, run_id, step_key, command_id, planned_kgy, delivered_kgy, source, atmosphere) values
       ('s-1', 'run-1', 'irradiate', 'c-1', 30, 29.9, 'Co-60', 'N2'), ('h-1', 'run-h1', 'imported', 'import-run-h1', 20, 20, null, null)`,
    // The measure steps: the journal's read-back holds what the operator entered; readings hold the value too.
    `insert into step_journal (run_id, step_key, attempt, state, command_id, sample_id, request, read_back, finished_at) values
       ('run-1', 'weigh-w0/s-1', 1, 'confirmed', 'j-0', 's-1', '{"record": "W_0"}', '{"value": 0.1}', '2026-01-10T09:00:00Z'),
       ('run-1', 'measure-iec/s-1', 1, 'confirmed', 'j-1', 's-1',
        '{"record": "IEC", "unit": "mmol/g", "action": {"kind": "measure", "sampleId": "s-1", "property": "ion-exchange-capacity", "unit": "mmol/g"}}',
        '{"value": 2.1, "uncertainty": 0.05, "by": "ana", "labEnd": 1}', '2026-01-10T10:00:00Z'),
       ('run-1', 'measure-conductivity/s-1', 1, 'confirmed', 'j-2', 's-1',
        '{"record": "sigma", "unit": "S/cm", "action": {"kind": "measure", "sampleId": "s-1", "property": "conductivity", "unit": "S/cm"}}',
        '{"value": 0.045, "uncertainty": null, "by": "ana"}', '2026-01-10T11:00:00Z'),
       ('run-1', 'measure-iec/s-2', 1, 'confirmed', 'j-3', 's-2',
        '{"record": "IEC", "unit": "mmol/g", "action": {"kind": "measure", "sampleId": "s-2", "property": "ion-exchange-capacity", "unit": "mmol/g"}}',
        '{"value": 1.9, "uncertainty": 0, "by": "virtual-operator"}', '2026-01-10T10:05:00Z'),
       ('run-1', 'measure-contact-angle/s-1', 1, 'confirmed', 'j-4', 's-1',
        '{"record": "theta", "unit": "deg", "action": {"kind": "measure", "sampleId": "s-1", "property": "contact angle", "unit": "deg"}}',
        '{"value": 85, "uncertainty": 2, "by": "ana"}', '2026-01-10T12:00:00Z'),
       ('run-1', 'measure-conductivity/s-2', 1, 'uncertain', 'j-5', 's-2',
        '{"record": "sigma", "unit": "S/cm", "action": {"kind": "measure", "sampleId": "s-2", "property": "conductivity", "unit": "S/cm"}}',
        null, null)`,
    `insert into readings (device_id, run_id, step_key, sample_id, name, value, unit) values
       ('balance-1', 'run-1', 'weigh-w0', 's-1', 'W0', 0.1, 'g'),
       ('operator', 'run-1', 'measure-iec', 's-1', 'IEC', 2.1, 'mmol/g'),
       ('operator', 'run-1', 'measure-conductivity', 's-1', 'sigma', 0.045, 'S/cm'),
       ('operator', 'run-1', 'measure-iec', 's-2', 'IEC', 1.9, 'mmol/g'),
       ('operator', 'run-1', 'measure-contact-angle', 's-1', 'theta', 85, 'deg')`,
    `insert into results (id, sample_id, run_id, name, value, unit, uncertainty) values
       ('res-1', 's-1', 'run-1', 'degreeOfGrafting', 61.2, '%', 0.4),
       ('res-2', 's-1', 'run-1', 'ionExchangeCapacity', 2.1, 'mmol/g', 0.05),
       ('res-3', 's-1', 'run-1', 'conductivity', 0.045, 'S/cm', 0),
       ('res-4', 'h-1', 'run-h1', 'degreeOfGrafting', 85.25, '%', 1.5)`,
    `insert into outbox (id, payload) values ('res-1', '{}'), ('res-2', '{}'), ('res-3', '{}'), ('res-4', '{}')`,
  ];
  for (const s of statements) await db.execute(sql.raw(s));
}

const BEFORE_TABLES = [
  'base_polymers',
  'monomers',
  'reagent_lots',
  'samples',
  'runs',
  'run_samples',
  'dose_ledger',
  'step_journal',
  'readings',
  'results',
  'outbox',
];

describe.each(DB_ENGINES)('migration 0001 (materials, recipes, measurements) on %s', (engine) => {
  let db: GraftlabDb;
  let previousHead: string;
  const before = new Map<string, number>();

  beforeAll(async () => {
    previousHead = await headFolder(1);
    db = await openScratchDatabase(engine, undefined, { migrationsFolder: previousHead });
    await insertTodaysRows(db);
    for (const t of BEFORE_TABLES) before.set(t, await count(db, t));
    await migrateDatabase(db);
  });
  afterAll(async () => {
    await db?.close();
    await rm(previousHead, { recursive: true, force: true });
  });

  it('keeps every row of every table that existed before', async () => {
    for (const t of BEFORE_TABLES) expect([t, await count(db, t)]).toEqual([t, before.get(t)]);
    expect(await rows(db, sql`select id, value, unit, uncertainty from results order by id`)).toEqual([
      { id: 'res-1', value: 61.2, unit: '%', uncertainty: 0.4 },
      { id: 'res-2', value: 2.1, unit: 'mmol/g', uncertainty: 0.05 },
      { id: 'res-3', value: 0.045, unit: 'S/cm', uncertainty: 0 },
      { id: 'res-4', value: 85.25, unit: '%', uncertainty: 1.5 },
    ]);
  });

  it('splits each base polymer into the polymer and a base material, moving the form out of the class', async () => {
    expect(await rows(db, sql`select id, class from base_polymers order by id`)).toEqual([
      { id: 'ETFE', class: null },
      { id: 'PE', class: 'polyolefin' },
      { id: 'PE/PP', class: null },
    ]);
    const materials = await rows<Record<string, unknown>>(
      db,
      sql`select polymer_id, name, form, thickness_um, crystallinity, density_g_cm3 from base_materials order by polymer_id`,
    );
    expect(materials).toEqual([
      {
        polymer_id: 'ETFE',
        name: 'ETFE film',
        form: 'film',
        thickness_um: 50,
        crystallinity: 0.4,
        density_g_cm3: 1.7,
      },
      {
        polymer_id: 'PE',
        name: 'PE',
        form: null,
        thickness_um: 30,
        crystallinity: null,
        density_g_cm3: null,
      },
      {
        polymer_id: 'PE/PP',
        name: 'PE/PP fabric',
        form: 'nonwoven',
        thickness_um: 200,
        crystallinity: null,
        density_g_cm3: null,
      },
    ]);
    const cited = await rows<{ id: string; polymer: string; material: string | null }>(
      db,
      sql`select s.id, s.base_polymer_id as polymer, bm.polymer_id as material from samples s left join base_materials bm on bm.id = s.base_material_id order by s.id`,
    );
    expect(cited.every((s) => s.material === s.polymer)).toBe(true);
    expect(await rows(db, sql`select base_material_id is not null as linked from reagent_lots`)).toEqual([
      { linked: true },
    ]);
    // The repositories compute the same identity: stating the material again finds it, it does not duplicate it.
    const again = await new MaterialsRepository(db).upsertBaseMaterial({
      polymer: 'ETFE',
      form: 'film',
      thicknessUm: 50,
    });
    expect(again.crystallinity).toBe(0.4);
    expect(await count(db, 'base_materials')).toBe(3);
  });

  it("turns each run's monomer into a one-monomer recipe the repository recognises", async () => {
    expect(await rows(db, sql`select id, recipe_id is not null as has_recipe from runs order by id`)).toEqual(
      [
        { id: 'run-1', has_recipe: true },
        { id: 'run-h1', has_recipe: true },
        { id: 'run-h2', has_recipe: true },
      ],
    );
    expect(await count(db, 'recipes')).toBe(2);
    const recipe = await new RecipesRepository(db).upsert({
      components: [{ role: 'monomer', material: 'VBC' }],
    });
    const [run] = await rows<{ recipe_id: string }>(db, sql`select recipe_id from runs where id = 'run-1'`);
    expect(recipe.id).toBe(run.recipe_id);
    expect(recipe.components).toEqual([
      expect.objectContaining({
        position: 1,
        role: 'monomer',
        monomerId: 'VBC',
        fraction: 1,
        fractionBasis: 'mol',
      }),
    ]);
    expect(await count(db, 'recipes')).toBe(2);
  });

  it('records what measure steps recorded as measurements, in canonical units with the uncertainty entered', async () => {
    const list = await rows<Record<string, unknown>>(
      db,
      sql`select id, sample_id, property, value, unit, uncertainty, uncertainty_basis, original_value, original_unit,
                 original_uncertainty, instrument, conditions, operator, origin, run_id, step_key, measured_at
          from measurements order by sample_id, property`,
    );
    expect(list).toEqual([
      expect.objectContaining({
        id: measurementIdFor('run-1', 'measure-conductivity', 's-1', 'conductivity'),
        sample_id: 's-1',
        property: 'conductivity',
        value: 45,
        unit: 'mS/cm',
        uncertainty: null,
        uncertainty_basis: 'unstated',
        original_value: 0.045,
        original_unit: 'S/cm',
        original_uncertainty: null,
        instrument: 'four-probe impedance cell',
        conditions: {},
        step_key: 'measure-conductivity',
      }),
      expect.objectContaining({
        id: measurementIdFor('run-1', 'measure-iec', 's-1', 'ion_exchange_capacity'),
        property: 'ion_exchange_capacity',
        value: 2.1,
        unit: 'mmol/g',
        uncertainty: 0.05,
        uncertainty_basis: 'given',
        instrument: 'autotitrator (back titration)',
        conditions: { note: 'Cl- form, Mohr titration' },
        operator: 'ana',
        origin: 'measured-here',
        run_id: 'run-1',
      }),
      // The engine's 0 meant "none entered": unstated, with the 0 kept as entered.
      expect.objectContaining({
        sample_id: 's-2',
        property: 'ion_exchange_capacity',
        value: 1.9,
        uncertainty: null,
        uncertainty_basis: 'unstated',
        original_uncertainty: 0,
        operator: 'virtual-operator',
      }),
    ]);
    expect(new Date(list[1].measured_at as string).toISOString()).toBe('2026-01-10T10:00:00.000Z');
    // A property outside the catalogue (contact angle) stays in its reading and result only.
    expect(await count(db, 'readings')).toBe(before.get('readings'));
  });

  it('marks imported samples as alliance history, citing a source that says why', async () => {
    expect(await rows(db, sql`select id, origin from samples order by id`)).toEqual([
      { id: 'h-1', origin: 'alliance-history' },
      { id: 'h-2', origin: 'alliance-history' },
      { id: 's-1', origin: 'measured-here' },
      { id: 's-2', origin: 'measured-here' },
    ]);
    const passport = (await samplePassport(db, 'h-1'))!;
    expect(passport.provenance.source?.note).toMatch(/before provenance was recorded/);
    const s1 = (await samplePassport(db, 's-1'))!;
    expect(s1.baseMaterial?.form).toBe('film');
    expect(s1.recipes.map((r) => r.components.map((c) => c.monomerId))).toEqual([['VBC']]);
    expect(s1.measurements.map((m) => [m.property, m.values.length])).toEqual([
      ['conductivity', 1],
      ['ion_exchange_capacity', 1],
    ]);
  });

  it('exports what was there, in the new columns', async () => {
    const exported = await exportRows(db);
    const s1 = exported.find((r) => r.sample_id === 's-1')!;
    expect(s1).toMatchObject({
      base_polymer: 'ETFE',
      base_polymer_class: null,
      base_material_form: 'film',
      base_material_thickness_um: 50,
      base_material_crystallinity: 0.4,
      monomer: 'VBC',
      monomer_smiles: 'C=Cc1ccc(CCl)cc1',
      monomer_fraction: 1,
      monomer_fraction_basis: 'mol',
      dose_kGy: 29.9,
      irradiation_atmosphere: 'N2',
      irradiation_source_detail: 'Co-60',
      degreeOfGrafting: 61.2,
      ion_exchange_capacity_mmol_g: 2.1,
      ion_exchange_capacity_mmol_g_u: 0.05,
      conductivity_mS_cm: 45,
      conductivity_mS_cm_u: null,
    });
    expect(exported.find((r) => r.sample_id === 'h-1')).toMatchObject({
      origin: 'alliance-history',
      monomer: 'GMA',
    });
  });
});
