import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_ENGINES, exportRows, openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { EXIT, memoryOutput } from '../cli-output';
import { runImport } from './import.command';

const GOOD = [
  'sample_id,base_polymer,monomer,dose_kGy,param_temperatureC,degreeOfGrafting,degreeOfGrafting_u',
  'CLI-1,PE,GMA,20,40,85.5,1.5',
  'CLI-2,PE,GMA,30,40,120,2',
].join('\n');

const BAD = [
  'base_polymer,monomer,dose_kGy,param_temperatureC,degreeOfGrafting',
  'PE,GMA,20,40,85',
  'PE,GMA,-5,40,85',
  'PE,,20,40,abc',
].join('\n');

describe.each(DB_ENGINES)('graftlab import on %s', (engine) => {
  let db: GraftlabDb;
  let dir: string;
  // The command closes what it opens; the suite keeps its database until afterAll.
  const open = () =>
    Promise.resolve(Object.assign(Object.create(db) as GraftlabDb, { close: async () => undefined }));
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
    dir = await mkdtemp(join(tmpdir(), 'graftlab-import-'));
  });
  afterAll(async () => {
    await db.close();
  });

  it('refuses a file with bad rows, naming each row and field, and imports nothing', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, BAD);
    const out = memoryOutput();
    expect(await runImport(file, {}, out, open)).toBe(EXIT.invalid);
    expect(out.stderr).toEqual([
      `${file}: row 3: dose_kGy: -5 is below the allowed range (≥ 0)`,
      `${file}: row 4: degreeOfGrafting: "abc" is not a number`,
      `${file}: row 4: monomer: is required`,
      `${file}: nothing imported (3 problems in 2 rows)`,
    ]);
    expect(await exportRows(db)).toEqual([]);
  });

  it('imports a good file and reports as JSON when asked', async () => {
    const file = join(dir, 'good.csv');
    await writeFile(file, GOOD);
    const out = memoryOutput();
    expect(await runImport(file, { json: true }, out, open)).toBe(EXIT.ok);
    expect(JSON.parse(out.stdout[0])).toEqual({ file, ok: true, imported: 2, rows: 2, rejected: [] });
    const rows = await exportRows(db);
    expect(rows.map((r) => [r.sample_id, r.imported, r.degreeOfGrafting, r.degreeOfGrafting_u])).toEqual([
      ['CLI-1', true, 85.5, 1.5],
      ['CLI-2', true, 120, 2],
    ]);
    const again = memoryOutput();
    expect(await runImport(file, {}, again, open)).toBe(EXIT.invalid);
    expect(again.stderr[0]).toBe(`${file}: row 2: sample_id: CLI-1 already exists`);
  });

  it('fills catalogue descriptors when asked, and marks them as catalogue values', async () => {
    const file = join(dir, 'catalogue.csv');
    await writeFile(
      file,
      'sample_id,base_polymer,base_material_form,base_material_thickness_um,monomer,dose_kGy,param_t,degreeOfGrafting\nCAT-1,ETFE,film,25,VBC,20,60,40\n',
    );
    expect(await runImport(file, { fillDescriptors: true }, memoryOutput(), open)).toBe(EXIT.ok);
    const [row] = (await exportRows(db)).filter((r) => r.sample_id === 'CAT-1');
    expect(row).toMatchObject({
      bp_radicalYield: 0.8,
      base_material_crystallinity: 0.4,
      monomer_cas: '1592-20-7',
      monomer_molar_mass_g_mol: 152.62,
    });
    expect(JSON.parse(row.base_material_catalogue as string)).toEqual({
      ref: 'grafting-model:ETFE',
      fields: ['crystallinity', 'densityGCm3'],
    });
  });

  it('says when the file cannot be read or the database cannot be opened', async () => {
    const out = memoryOutput();
    expect(await runImport(join(dir, 'missing.csv'), {}, out, open)).toBe(EXIT.invalid);
    expect(out.stderr[0]).toMatch(/cannot read .*missing\.csv/);
    const file = join(dir, 'good2.csv');
    await writeFile(file, GOOD);
    const down = memoryOutput();
    const unreachable = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    expect(await runImport(file, {}, down, unreachable)).toBe(EXIT.unreachable);
    expect(down.stderr[0]).toContain('ECONNREFUSED');
  });
});
