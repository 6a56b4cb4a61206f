import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CampaignsRepository,
  ProtocolsRepository,
  ResultsRepository,
  RunsRepository,
  openScratchDatabase,
  type GraftlabDb,
} from '@graftlab/db';
import { RunSubmitter } from '@graftlab/admission';
import { loadInventory } from '@graftlab/inventory';
import type { Params } from '@graftlab/optimizer';
import { DocumentError } from '@graftlab/validation';
import { CampaignLoop, campaignView } from './index';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROTOCOL = JSON.parse(
  readFileSync(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'),
) as Record<string, unknown>;
const INVENTORY = loadInventory(path.join(ROOT, 'devices/virtual-lab.json'));

/** A made-up response: the graft grows with dose, concentration and time. */
const trueDg = (p: Params) =>
  6 *
  Math.sqrt(p.dose as number) *
  (p.monomerConcentration as number) ** 0.7 *
  (1 - Math.exp(-(p.graftTime as number))) *
  Math.exp(-((((p.graftTemperature as number) - 45) / 20) ** 2));

/** A campaign with a Pareto objective (the most DG for the least dose) under an outcome constraint (DG ≤ 150). */
describe('multi-objective campaign', () => {
  let db: GraftlabDb;
  let loop: CampaignLoop;
  beforeAll(async () => {
    db = await openScratchDatabase('pglite');
    await new ProtocolsRepository(db).saveVersion({ protocolId: 'pe-gma-emulsion', document: PROTOCOL });
    const submitter = new RunSubmitter({ db, inventory: INVENTORY, enqueue: () => Promise.resolve() });
    loop = new CampaignLoop({ db, inventory: INVENTORY, submitter });
  });
  afterAll(async () => {
    await db.close();
  });

  const definition = {
    name: 'GMA: most DG for the least dose, DG ≤ 150 %',
    protocolId: 'pe-gma-emulsion',
    space: {
      parameters: [
        { name: 'dose', type: 'number', min: 5, max: 20 },
        { name: 'graftTemperature', type: 'number', min: 25, max: 60 },
        { name: 'graftTime', type: 'number', min: 0.25, max: 4 },
        { name: 'monomerConcentration', type: 'number', min: 1, max: 10 },
      ],
    },
    objective: {
      pareto: true,
      targets: [{ name: 'degreeOfGrafting', mode: 'max', transform: 'log1p' }],
      costs: [{ parameter: 'dose', weight: 1 }],
      constraints: [{ name: 'degreeOfGrafting', max: 150 }],
    },
    budget: 12,
    batchSize: 4,
    seed: 2,
    autonomyEnvelope: {
      parameters: {
        dose: { min: 5, max: 20 },
        graftTemperature: { min: 25, max: 60 },
        graftTime: { min: 0.25, max: 4 },
        monomerConcentration: { min: 1, max: 10 },
      },
    },
  };

  it('refuses a match target in a Pareto set and a constraint on an output the protocol lacks', async () => {
    const error = await loop
      .create({
        ...definition,
        objective: {
          pareto: true,
          targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100 }],
          constraints: [{ name: 'waterUptake', max: 80 }],
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).problems.map((p) => p.pointer)).toEqual([
      '/objective/targets/0/mode',
      '/objective/constraints/0/name',
    ]);
  });

  it('refuses thresholds on a weighted sum, and a dose threshold no setting can beat', async () => {
    const pointers = async (objective: object) => {
      const error = await loop.create({ ...definition, objective }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocumentError);
      return (error as DocumentError).problems.map((p) => p.pointer);
    };
    expect(
      await pointers({
        targets: [{ name: 'degreeOfGrafting', mode: 'max', threshold: 50 }],
        costs: [{ parameter: 'dose', weight: 1, threshold: 20 }],
      }),
    ).toEqual(['/objective/targets/0/threshold', '/objective/costs/0/threshold']);
    expect(
      await pointers({
        pareto: true,
        targets: [{ name: 'degreeOfGrafting', mode: 'max', threshold: 50 }],
        costs: [{ parameter: 'dose', weight: 1, threshold: 5 }],
      }),
    ).toEqual(['/objective/costs/0/threshold']);
  });

  it('proposes with qNEHVI once the first experiments are in, and shows the front with the violations', async () => {
    const campaign = await loop.create(definition);
    const runs = new RunsRepository(db);
    const finishBatch = async () => {
      for (const s of await new CampaignsRepository(db).suggestions(campaign.id, 'queued')) {
        await runs.transition(s.runId!, 'queued', 'running');
        const [sampleId] = await runs.sampleIds(s.runId!);
        const dg = trueDg(s.params as Params);
        await new ResultsRepository(db).recordResults(s.runId!, [
          { sampleId, name: 'degreeOfGrafting', value: dg, unit: '%', uncertainty: 0.03 * dg },
        ]);
        await runs.transition(s.runId!, 'running', 'completed');
      }
    };
    const proposed: string[] = [];
    for (let step = 0; step < 12 && proposed.length < 3; step++) {
      const report = await loop.advance(campaign.id);
      if (report.action === 'proposed') proposed.push(report.detail);
      await finishBatch();
    }
    expect(proposed).toHaveLength(3);
    expect(proposed[2]).toMatch(/bayesian-qnehvi, model qnehvi-/);
    await loop.advance(campaign.id);
    const view = await campaignView(loop, INVENTORY, campaign.id);
    expect(view.pareto!.objectives.map((o) => [o.name, o.direction])).toEqual([
      ['degreeOfGrafting', 'max'],
      ['dose', 'min'],
    ]);
    expect(view.pareto!.points).toHaveLength(12);
    const front = view.pareto!.points.filter((p) => p.onFront);
    expect(front.length).toBeGreaterThan(0);
    for (const p of view.pareto!.points) {
      expect(p.violates.length > 0).toBe(p.values.degreeOfGrafting > 150);
      if (p.violates.length) expect(p.onFront).toBe(false);
    }
    // The best so far meets the constraint.
    if (view.best) expect(view.best.result!.outputs.degreeOfGrafting).toBeLessThanOrEqual(150);
    // The model-chosen batch keeps to the constraint better than the space-filling start.
    const last = view.suggestions.filter((s) => s.batch === 3);
    expect(last.every((s) => s.modelVersion?.startsWith('qnehvi-'))).toBe(true);
  });
});
