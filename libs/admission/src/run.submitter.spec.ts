import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseMaterials,
  basePolymers,
  openScratchDatabase,
  protocolVersions,
  recipes,
  runs,
  samples,
  type GraftlabDb,
} from '@graftlab/db';
import { loadInventory } from '@graftlab/inventory';
import { storedPlanHash, verifyStoredPlan, type StationPlan } from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { RunSubmitter } from './run.submitter';

/** Admission against PostgreSQL: one transaction per run, concurrent first submissions, nothing left by a refusal. */
const ROOT = join(__dirname, '..', '..', '..');
const INVENTORY = loadInventory(join(ROOT, 'devices', 'virtual-lab.json'));
const protocol = () =>
  JSON.parse(readFileSync(join(ROOT, 'protocols', 'pe-gma-emulsion.json'), 'utf8')) as Record<
    string,
    unknown
  >;

describe('admission', () => {
  let db: GraftlabDb;
  const enqueued: { station: string; runId: string }[] = [];
  const submitter = () =>
    new RunSubmitter({
      db,
      inventory: INVENTORY,
      enqueue: (station, runId) => {
        enqueued.push({ station, runId });
        return Promise.resolve();
      },
    });
  const count = async (table: Parameters<GraftlabDb['select']>[0] extends never ? never : object) =>
    (await db.select().from(table as typeof runs)).length;

  beforeEach(async () => {
    db = await openScratchDatabase('postgres');
    enqueued.length = 0;
  });
  afterEach(async () => {
    await db?.close();
  });

  it('stores the plan bound to the station it chose, with the hash the worker checks', async () => {
    const { run, plan } = await submitter().submit({ protocol: protocol(), parameters: { dose: 12 } });
    expect(run.planHash).toBe(storedPlanHash(plan));
    const stored = verifyStoredPlan(run, INVENTORY);
    expect(stored.station).toBe(run.station);
    expect(stored.steps.find((s) => s.type === 'irradiate')!.dose!.value).toBe(12);
    expect(stored.steps.find((s) => s.type === 'dispense')!.args.vessel).toBe(
      INVENTORY.stations.find((s) => s.id === run.station)!.vessel,
    );
    expect(enqueued).toEqual([{ station: run.station, runId: run.id }]);
    expect(run.recipeId).toBeTruthy();
  });

  it('admits concurrent first submissions of a new protocol and a new material: one material, one recipe', async () => {
    const one = submitter(); // the API's one admission
    const results = await Promise.all(Array.from({ length: 8 }, () => one.submit({ protocol: protocol() })));
    expect(new Set(results.map((r) => r.run.id)).size).toBe(8);
    expect(await count(basePolymers)).toBe(1);
    expect(await count(baseMaterials)).toBe(1);
    expect(await count(recipes)).toBe(1);
    expect(await count(protocolVersions)).toBe(1);
    // Concurrent admissions spread over the four stations (each counts the others it is admitting).
    expect(new Set(results.map((r) => r.run.station)).size).toBe(4);
  });

  it('gives racing submissions with one idempotency key one run and leaves no stray sample', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => submitter().submit({ protocol: protocol(), idempotencyKey: 'k-1' })),
    );
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await count(runs)).toBe(1);
    expect(await count(samples)).toBe(1);
    expect(enqueued).toHaveLength(1);
    const again = results.find((r) => !r.created)!;
    expect(storedPlanHash(again.plan as StationPlan)).toBe(results[0].run.planHash);
  });

  it('refuses an unsafe run with the pointer and writes nothing: no protocol version, material, sample or run', async () => {
    const doc = protocol();
    (doc.safety as Record<string, unknown>).maxDosePerSample = '5 kGy';
    await expect(submitter().submit({ protocol: doc })).rejects.toThrow(DocumentError);
    for (const table of [runs, samples, protocolVersions, baseMaterials, recipes])
      expect(await count(table)).toBe(0);
    expect(enqueued).toEqual([]);
  });
});
