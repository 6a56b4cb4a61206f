import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { RunSubmitter } from '@graftlab/admission';
import { CampaignLoop } from '@graftlab/campaign';
import {
  CampaignsRepository,
  MaterialsRepository,
  ProtocolsRepository,
  ResultsRepository,
  RunsRepository,
  campaigns,
  protocolVersions,
} from '@graftlab/db';
import { loadInventory } from '@graftlab/inventory';
import type { Params } from '@graftlab/optimizer';
import { ROOT, startApiApp, type ApiApp } from './support/api-app';

const PROTOCOL = JSON.parse(
  readFileSync(path.join(ROOT, 'protocols/etfe-styrene-pem.json'), 'utf8'),
) as Record<string, unknown>;
const INVENTORY = loadInventory(path.join(ROOT, 'devices/virtual-lab.json'));

/** Base polymers searched with the conditions: each maps to the protocol with its film. */
const basePolymer = {
  name: 'basePolymer',
  type: 'categorical',
  material: 'basePolymer',
  choices: ['ETFE', 'PVDF', 'FEP'],
  variants: {
    ETFE: { materials: {} },
    PVDF: { materials: { base: { name: 'PVDF film', polymer: 'PVDF', lot: 'PVDF-50-2026-01' } } },
    FEP: {
      materials: { base: { name: 'FEP film', polymer: 'FEP', thickness: '25 µm', lot: 'FEP-25-2026-01' } },
    },
  },
};

const definition = {
  name: 'PEM: which film, which conditions',
  protocolId: 'etfe-styrene-pem',
  space: {
    parameters: [
      { name: 'dose', type: 'number', min: 10, max: 40, scale: 'log' },
      { name: 'graftTime', type: 'number', min: 1, max: 24, scale: 'log' },
      basePolymer,
    ],
  },
  objective: {
    targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 40 }],
    costs: [{ parameter: 'dose', weight: 0.1 }],
  },
  budget: 12,
  batchSize: 3,
  seed: 4,
};

/** A made-up response: PVDF and ETFE graft, FEP barely (its radicals are few). */
const trueDg = (p: Params) =>
  ({ ETFE: 1, PVDF: 1.3, FEP: 0.2 })[p.basePolymer as 'ETFE' | 'PVDF' | 'FEP'] *
  8 *
  Math.sqrt(p.dose as number) *
  Math.log1p(p.graftTime as number);

/** Campaigns whose space spans materials (issue #15 point 5), over the API and a real PostgreSQL database. */
describe('POST /api/campaigns with base polymers as a searched material', () => {
  let api: ApiApp;
  let loop: CampaignLoop;
  let firstCampaign = '';
  const http = () => request(api.app.getHttpServer());
  const as = (role: 'scientist' | 'safety-officer') => `Bearer ${api.tokens[role]}`;
  const campaignCount = async () => (await api.db.select().from(campaigns)).length;
  const protocolIds = async () =>
    (await api.db.select().from(protocolVersions)).map((p) => `${p.protocolId} v${p.version}`).sort();

  beforeAll(async () => {
    api = await startApiApp();
    // The MI database's material tables: the catalogue fills each polymer's descriptors.
    const materials = new MaterialsRepository(api.db);
    for (const name of ['ETFE', 'PVDF', 'FEP']) await materials.upsertBasePolymer({ name });
    await new ProtocolsRepository(api.db).saveVersion({ protocolId: 'etfe-styrene-pem', document: PROTOCOL });
    const submitter = new RunSubmitter({
      db: api.db,
      inventory: INVENTORY,
      enqueue: () => Promise.resolve(),
    });
    loop = new CampaignLoop({ db: api.db, inventory: INVENTORY, submitter });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses a variant that grafts another polymer, a missing variant and an unknown material; writes nothing', async () => {
    const before = { campaigns: await campaignCount(), protocols: await protocolIds() };
    const res = await http()
      .post('/api/campaigns')
      .set('authorization', as('scientist'))
      .send({
        ...definition,
        space: {
          parameters: [
            definition.space.parameters[0],
            {
              ...basePolymer,
              choices: ['ETFE', 'PVDF', 'FEP', 'unobtainium'],
              variants: {
                ETFE: { materials: {} },
                PVDF: { materials: { base: { name: 'PVDF film', polymer: 'PTFE', lot: 'x' } } },
                FEP: { materials: { base: { thickness: 'thin' } } },
              },
            },
          ],
        },
      });
    expect(res.status).toBe(422);
    const problems = res.body.problems as { pointer: string; message: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          pointer: '/space/parameters/1/choices/3',
          message: expect.stringMatching(/"unobtainium" is not in the MI database \(base_polymers\)/),
        },
        {
          pointer: '/space/parameters/1/variants/PVDF/materials/base/polymer',
          message: 'the variant for basePolymer "PVDF" grafts base polymer "PTFE"; expected "PVDF"',
        },
        {
          pointer: '/space/parameters/1/variants/FEP/materials/base/thickness',
          message: expect.stringMatching(
            /^the variant for "FEP" is not a valid protocol: \/materials\/base\/thickness: unknown value "thin"/,
          ),
        },
        {
          pointer: '/space/parameters/1/variants',
          message: 'no protocol variant for "unobtainium" (every choice needs one)',
        },
      ]),
    );
    // Nothing half-created: no campaign, no protocol version.
    expect(await campaignCount()).toBe(before.campaigns);
    expect(await protocolIds()).toEqual(before.protocols);
  });

  it('creates the campaign with the database descriptors and proposes experiments that name the material', async () => {
    const res = await http().post('/api/campaigns').set('authorization', as('scientist')).send(definition);
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const stored = await new CampaignsRepository(api.db).get(id);
    const material = (stored!.space as { parameters: { name: string; descriptors?: object }[] })
      .parameters[2];
    // Descriptors from the base_polymers table (catalogue values), the same names for every choice.
    const table = material.descriptors as Record<string, Record<string, number>>;
    expect(Object.keys(table).sort()).toEqual(['ETFE', 'FEP', 'PVDF']);
    expect(Object.keys(table.ETFE).length).toBeGreaterThan(0);
    expect(Object.keys(table.PVDF)).toEqual(Object.keys(table.ETFE));

    const runs = new RunsRepository(api.db);
    const repo = new CampaignsRepository(api.db);
    const finish = async () => {
      for (const s of await repo.suggestions(id, 'queued')) {
        await runs.transition(s.runId!, 'queued', 'running');
        const [sampleId] = await runs.sampleIds(s.runId!);
        const dg = trueDg(s.params as Params);
        await new ResultsRepository(api.db).recordResults(s.runId!, [
          { sampleId, name: 'degreeOfGrafting', value: dg, unit: '%', uncertainty: 0.03 * dg + 0.5 },
        ]);
        await runs.transition(s.runId!, 'running', 'completed');
      }
    };
    const approveAll = async () => {
      for (const s of await repo.suggestions(id, 'proposed')) {
        const a = await http()
          .post(`/api/campaigns/${id}/suggestions/${s.id}/approve`)
          .set('authorization', as('safety-officer'))
          .send({});
        expect(a.status).toBe(200);
      }
    };
    const details: string[] = [];
    for (let step = 0; step < 10 && details.length < 3; step++) {
      const report = await loop.advance(id);
      if (report.action === 'proposed') details.push(report.detail);
      await approveAll();
      await finish();
    }
    expect(details).toHaveLength(3);
    expect(details[2]).toMatch(/\(bayesian, model gp-/);
    const all = await repo.suggestions(id);
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const s of all) expect(['ETFE', 'PVDF', 'FEP']).toContain((s.params as Params).basePolymer);
    // Each run grafts the film its proposal names: the protocol variant, stored under its own id.
    for (const s of all.filter((x) => x.runId)) {
      const run = await runs.get(s.runId!);
      const polymer = (s.params as Params).basePolymer as string;
      expect(run!.protocolId).toBe(
        polymer === 'ETFE' ? 'etfe-styrene-pem-etfe' : `etfe-styrene-pem-${polymer.toLowerCase()}`,
      );
    }
    // The pinned protocol was never bumped by a variant.
    expect((await new ProtocolsRepository(api.db).version('etfe-styrene-pem'))!.version).toBe(1);
    const view = await http().get(`/api/campaigns/${id}`).set('authorization', as('scientist'));
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body.suggestions)).toMatch(/"basePolymer":"(ETFE|PVDF|FEP)"/);
    firstCampaign = id;
    // The shipped example is the same kind of definition: it is accepted as it is.
    const example = JSON.parse(
      readFileSync(path.join(ROOT, 'protocols/examples/campaign.materials.example.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(
      (await http().post('/api/campaigns').set('authorization', as('scientist')).send(example)).status,
    ).toBe(201);
  });

  it('takes a list of related campaigns and material systems as the prior, and refuses unknown ones', async () => {
    await new MaterialsRepository(api.db).upsertMonomer({ name: 'styrene' });
    const onEtfe = {
      ...definition,
      name: 'PEM on ETFE, warm-started from the material search',
      space: { parameters: definition.space.parameters.slice(0, 2) },
    };
    const refused = await http()
      .post('/api/campaigns')
      .set('authorization', as('scientist'))
      .send({
        ...onEtfe,
        prior: {
          campaigns: [firstCampaign, 'cmp-nope'],
          systems: [{ basePolymer: 'ETFE', monomer: 'unobtainium' }],
        },
      });
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([
      { pointer: '/prior/campaigns/1', message: 'no campaign "cmp-nope"' },
      {
        pointer: '/prior/systems/0/monomer',
        message: 'monomer "unobtainium" is not in the MI database (monomers)',
      },
    ]);
    const empty = await http()
      .post('/api/campaigns')
      .set('authorization', as('scientist'))
      .send({ ...onEtfe, prior: {} });
    expect(empty.body.problems).toEqual([
      { pointer: '/prior', message: 'name at least one campaign or material system as related tasks' },
    ]);

    const res = await http()
      .post('/api/campaigns')
      .set('authorization', as('scientist'))
      .send({
        ...onEtfe,
        prior: { campaigns: [firstCampaign], systems: [{ basePolymer: 'ETFE', monomer: 'styrene' }] },
      });
    expect(res.status).toBe(201);
    expect(res.body.settings.prior).toEqual({
      campaigns: [firstCampaign],
      systems: [{ basePolymer: 'ETFE', monomer: 'styrene' }],
    });
    const report = await loop.advance(res.body.id as string);
    expect(report.action).toBe('proposed');
    expect(report.detail).toMatch(/\(database-prior, model prior-[0-9a-f]{16}\+mi-[0-9a-f]{16}\)/);
    expect(report.detail).toMatch(/related tasks \(\d+ records\) relatedness degreeOfGrafting weight/);
  });
});
