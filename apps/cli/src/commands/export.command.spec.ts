import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_ENGINES, importSamples, openScratchDatabase, parseCsv, type GraftlabDb } from '@graftlab/db';
import { EXIT, memoryOutput } from '../cli-output';
import { runExport } from './export.command';

const DATA = [
  'sample_id,base_polymer,monomer,dose_kGy,param_temperatureC,degreeOfGrafting,degreeOfGrafting_u,created_at',
  'E-1,PE,GMA,20,40,85.5,1.5,2024-03-01T10:00:00.000Z',
  'E-2,ETFE,styrene,30,60,22,0.5,2024-03-15T10:00:00.000Z',
  'E-3,PE,styrene,40,60,30,0.75,2024-04-01T10:00:00.000Z',
].join('\n');

describe.each(DB_ENGINES)('graftlab export on %s', (engine) => {
  let db: GraftlabDb;
  const open = () =>
    Promise.resolve(Object.assign(Object.create(db) as GraftlabDb, { close: async () => undefined }));
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
    expect((await importSamples(db, DATA)).ok).toBe(true);
  });
  afterAll(async () => {
    await db.close();
  });

  it('prints CSV with a header and one row per sample', async () => {
    const out = memoryOutput();
    expect(await runExport({ format: 'csv' }, out, open)).toBe(EXIT.ok);
    const [header, ...rows] = parseCsv(out.stdout.join('\n'));
    expect(rows.map((r) => r[header.indexOf('sample_id')])).toEqual(['E-1', 'E-2', 'E-3']);
    expect(rows.map((r) => r[header.indexOf('degreeOfGrafting_u')])).toEqual(['1.5', '0.5', '0.75']);
    expect(header).toContain('manifest_hash');
  });

  it('filters by base polymer, monomer and date range and writes JSON to a file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'graftlab-export-')), 'out.json');
    const out = memoryOutput();
    const code = await runExport(
      {
        format: 'json',
        out: file,
        basePolymer: 'PE',
        monomer: 'styrene',
        from: '2024-03-02',
        to: '2024-04-01',
      },
      out,
      open,
    );
    expect(code).toBe(EXIT.ok);
    expect(out.stderr).toEqual([`exported 1 sample to ${file}`]);
    const rows = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    expect(rows.map((r) => [r.sample_id, r.degreeOfGrafting, r.param_temperatureC])).toEqual([
      ['E-3', 30, 60],
    ]);
    const none = memoryOutput();
    await runExport({ format: 'json', to: '2024-02-28' }, none, open);
    expect(JSON.parse(none.stdout.join('\n'))).toEqual([]);
    const campaign = memoryOutput();
    await runExport(
      { format: 'json', campaign: 'no-such-campaign', protocol: 'imported-records' },
      campaign,
      open,
    );
    expect(JSON.parse(campaign.stdout.join('\n'))).toEqual([]);
  });

  it('prints the long form: one row per measurement', async () => {
    const out = memoryOutput();
    expect(await runExport({ format: 'csv', shape: 'long' }, out, open)).toBe(EXIT.ok);
    expect(parseCsv(out.stdout.join('\n'))[0].slice(0, 4)).toEqual([
      'measurement_id',
      'sample_id',
      'barcode',
      'property',
    ]);
    const bad = memoryOutput();
    expect(await runExport({ shape: 'tall' }, bad, open)).toBe(EXIT.usage);
    expect(bad.stderr[0]).toContain('--shape must be wide or long');
  });

  it('refuses a bad format or date as usage errors', async () => {
    const out = memoryOutput();
    expect(await runExport({ format: 'xlsx' }, out, open)).toBe(EXIT.usage);
    expect(out.stderr[0]).toContain('--format must be csv or json');
    expect(await runExport({ from: 'yesterday-ish' }, out, open)).toBe(EXIT.usage);
    expect(out.stderr[1]).toContain('--from "yesterday-ish" is not a date');
  });
});
