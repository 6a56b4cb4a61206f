import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProtocolsRepository } from '@graftlab/db';
import { seedSyntheticDatabase, UNSEEN_MONOMER } from '@graftlab/mi-service';
import { ROOT, startApiApp, type ApiApp } from '../../../../test/api/support/api-app';
import { CampaignsService } from '../../../api/src/campaigns/campaigns.service';
import { ApiClient } from '../api-client';
import { EXIT, memoryOutput } from '../cli-output';
import { runRank, type RankOptions } from './rank.command';

const SPEC = {
  targets: [
    { property: 'DG', min: 100, unit: '%' },
    { property: 'water_uptake', max: 60, unit: '%' },
  ],
  candidates: { basePolymers: ['PX', 'PY'], monomers: ['M-a', 'M-e', UNSEEN_MONOMER.name] },
  conditions: { temperatureC: { values: [60] } },
};

/** `graftlab rank` against the real API (in this process), as a scientist runs it. */
describe('graftlab rank', () => {
  let api: ApiApp;
  let client: ApiClient;
  let dir: string;
  const file = async (name: string, body: unknown) => {
    const f = path.join(dir, name);
    await writeFile(f, JSON.stringify(body));
    return f;
  };
  const run = async (options: Partial<RankOptions> & { spec: string }) => {
    const out = memoryOutput();
    const code = await runRank({ progressAfterMs: 60_000, ...options }, out, client);
    return { code, out };
  };

  beforeAll(async () => {
    api = await startApiApp();
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    client = new ApiClient({ apiUrl: `http://127.0.0.1:${port}`, token: api.tokens.scientist });
    dir = await mkdtemp(path.join(tmpdir(), 'graftlab-rank-'));
    await seedSyntheticDatabase(api.db, 6);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('prints a ranked table (saying that it trains while the first ranking takes long), and JSON with --json', async () => {
    const spec = await file('spec.json', SPEC);
    const { code, out } = await run({ spec, progressAfterMs: 0, progressEveryMs: 100 });
    expect([code, out.stderr.filter((l) => !l.startsWith('graftlab rank: '))]).toEqual([EXIT.ok, []]);
    expect(out.stderr.some((l) => /training the MI model|ranking/.test(l))).toBe(true);
    expect(out.stderr.at(-1)).toMatch(/^graftlab rank: done in \d+\.\d s$/);
    expect(out.stdout[0]).toMatch(
      /^MI model mi-[0-9a-f]{16}: 120 values from 60 samples \(lab 0, history \d+, literature \d+\); 6 proposal\(s\)$/,
    );
    expect(out.stdout[1]).toMatch(
      /^#\s+base\s+monomer\s+P\(all\)\s+method\s+dose kGy\s+conc wt%\s+T °C\s+t h\s+degree_of_grafting \(≥ 100 %\)\s+water_uptake \(≤ 60 %\)$/,
    );
    expect(out.stdout[2]).toMatch(
      /^1\s+P[XY]\s+\S+\s+[01]\.\d{3}\s+pre-irr\.\s+[\d.]+\s+[\d.]+\s+60\s+[\d.]+\s+[\d.]+ ± [\d.]+\s+[\d.]+ ± [\d.]+$/,
    );
    expect(out.stdout).toHaveLength(8);

    const json = await run({ spec, json: true, top: '2' });
    expect(json.code).toBe(EXIT.ok);
    const body = JSON.parse(json.out.stdout[0]);
    expect(body.proposals).toHaveLength(2);
    expect(body.modelVersion).toBe(out.stdout[0].split(' ')[2].replace(':', ''));
  });

  it('exits 1 naming each problem of a bad spec with its pointer, 2 for bad usage', async () => {
    const spec = await file('bad.json', { ...SPEC, targets: [{ property: 'IEC', min: 2, unit: 'kGy' }] });
    const { code, out } = await run({ spec });
    expect(code).toBe(EXIT.invalid);
    expect(out.stderr).toEqual([
      '/targets/0/property: the database has no data on ion_exchange_capacity to learn from (it has degree_of_grafting, water_uptake)',
    ]);
    const units = await run({
      spec: await file('unit.json', { ...SPEC, targets: [{ property: 'DG', min: 2, unit: 'kGy' }] }),
    });
    expect([units.code, units.out.stderr[0]]).toEqual([
      EXIT.invalid,
      expect.stringMatching(/^\/targets\/0\/unit: "kGy" is not a unit of degree of grafting/),
    ]);
    expect((await run({ spec: path.join(dir, 'missing.json') })).code).toBe(EXIT.invalid);
    expect((await run({ spec: await file('s.json', SPEC), top: 'x' })).code).toBe(EXIT.usage);
  });

  it('turns a proposal into a campaign on the protocol that grafts its system, with the database as prior', async () => {
    const doc = JSON.parse(await readFile(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'));
    doc.id = 'py-me-emulsion';
    doc.materials.base.polymer = 'PY';
    doc.materials.monomer = { ...doc.materials.monomer, name: 'M-e', abbreviation: 'Me' };
    await new ProtocolsRepository(api.db).saveVersion({ protocolId: doc.id, document: doc });
    const spec = await file('one.json', { ...SPEC, candidates: { basePolymers: ['PY'], monomers: ['M-e'] } });
    const { code, out } = await run({ spec, campaign: '1', budget: '6', batchSize: '2' });
    expect([code, out.stderr]).toEqual([EXIT.ok, []]);
    expect(out.stdout[0]).toMatch(
      /^campaign cmp-[0-9a-f]+ created from proposal #1 \(M-e on PY, P\(all\) [01]\.\d{3}\) of MI model mi-[0-9a-f]{16}$/,
    );
    expect(out.stdout[1]).toBe(
      '  protocol py-me-emulsion v1, budget 6 experiments in batches of 2, prior: database',
    );
    const id = out.stdout[0].split(' ')[1];
    const view = (await client.get<{ settings: Record<string, unknown> }>(`/api/campaigns/${id}`)).settings;
    expect(view).toMatchObject({
      protocolId: 'py-me-emulsion',
      prior: 'database',
      origin: { miModelVersion: expect.stringMatching(/^mi-/), proposal: { rank: 1 } },
      objective: { targets: [{ name: 'degreeOfGrafting', mode: 'max', transform: 'log1p' }] },
      stopWhen: { outputs: { degreeOfGrafting: { min: 100 } } },
    });
    const params = view.parameters as { name: string; min: number; max: number }[];
    expect(params.map((p) => p.name).sort()).toEqual([
      'dose',
      'graftTemperature',
      'graftTime',
      'monomerConcentration',
    ]);
    const temperature = params.find((p) => p.name === 'graftTemperature')!;
    expect([temperature.min, temperature.max]).toEqual([50, 60]);
    // The campaign's first batch comes from the database prior; each suggestion cites the MI model version (and so
    // will the manifest of its run).
    const report = await api.app.get(CampaignsService).loop.advance(id);
    expect(report).toMatchObject({ action: 'proposed' });
    expect(report.detail).toMatch(/database-prior, model prior-[0-9a-f]{16}\+mi-[0-9a-f]{16}\)/);
    const campaignView = await client.get<{
      suggestions: { modelVersion: string | null; params: Record<string, number> }[];
    }>(`/api/campaigns/${id}`);
    expect(campaignView.suggestions).toHaveLength(2);
    const miVersion = (view.origin as { miModelVersion: string }).miModelVersion;
    for (const s of campaignView.suggestions) {
      expect(s.modelVersion).toMatch(/^prior-[0-9a-f]{16}\+mi-[0-9a-f]{16}$/);
      expect(s.modelVersion!.endsWith(miVersion)).toBe(true);
      expect(s.params.graftTemperature).toBeGreaterThanOrEqual(50);
    }
    // No stored protocol grafts M-a on PX: refused with the pointer.
    const other = await file('other.json', {
      ...SPEC,
      candidates: { basePolymers: ['PX'], monomers: ['M-a'] },
    });
    const refused = await run({ spec: other, campaign: '1' });
    expect([refused.code, refused.out.stderr]).toEqual([
      EXIT.invalid,
      ['/protocolId: no stored protocol grafts M-a on PX: store one, or name one'],
    ]);
  });
});
