import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CampaignView } from '@graftlab/campaign';
import { parseConfig } from '@graftlab/config';
import { freePort } from '@graftlab/infra';
import { loadInventory } from '@graftlab/inventory';
import { startStack, type RunningStack } from '@graftlab/stack';
import { withReservedTcpPorts } from '@graftlab/twins';
import { ApiClient, ApiError } from '../../apps/cli/src/api-client';
import { memoryOutput } from '../../apps/cli/src/cli-output';
import { runCampaignShowcase } from '../../apps/cli/src/demo/campaign.showcase';

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = `closed-loop-${randomBytes(12).toString('hex')}`;
const PROTOCOL = JSON.parse(
  readFileSync(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'),
) as Record<string, unknown>;

const SPACE = {
  parameters: [
    { name: 'dose', type: 'number', min: 5, max: 50, unit: 'kGy' },
    { name: 'temperature', type: 'number', min: 25, max: 60, unit: '°C' },
    { name: 'basePolymer', type: 'categorical', choices: ['PE', 'PP', 'ETFE'] },
  ],
  objective: {
    targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100 }],
    costs: [{ parameter: 'dose', weight: 0.1 }],
  },
};
const OBSERVATIONS = [
  {
    params: { dose: 10, temperature: 40, basePolymer: 'PE' },
    outputs: { degreeOfGrafting: 45 },
    uncertainty: { degreeOfGrafting: 3 },
    status: 'completed',
  },
  {
    params: { dose: 40, temperature: 50, basePolymer: 'PP' },
    outputs: { degreeOfGrafting: 130 },
    uncertainty: { degreeOfGrafting: 7 },
    status: 'completed',
  },
  {
    params: { dose: 25, temperature: 30, basePolymer: 'ETFE' },
    outputs: { degreeOfGrafting: 20 },
    uncertainty: { degreeOfGrafting: 2 },
    status: 'completed',
  },
  { params: { dose: 50, temperature: 60, basePolymer: 'PE' }, status: 'failed', reason: 'film ruptured' },
  { params: { dose: 30, temperature: 45, basePolymer: 'PE' }, status: 'pending' },
];

/** The whole stack on the virtual lab (embedded Redis, broker and database), the admin token always sent. */
describe('closed loop on the virtual lab', () => {
  let stack: RunningStack;
  let api: ApiClient;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'graftlab-closed-loop-'));
    // The virtual lab's serial twins on free ports, so this stack never collides with another one.
    const inventoryPath = path.join(dir, 'lab.json');
    const inventory = await withReservedTcpPorts(loadInventory(path.join(ROOT, 'devices/virtual-lab.json')));
    writeFileSync(inventoryPath, JSON.stringify(inventory));
    const config = parseConfig({
      LAB_INVENTORY: inventoryPath,
      LAB_ID: `closed-loop-${randomBytes(3).toString('hex')}`,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      GRAFTLAB_CLOCK_SPEED: '7200',
      GRAFTLAB_SEED: '3',
      GRAFTLAB_BOOTSTRAP_TOKEN: TOKEN,
      GRAFTLAB_SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: process.env.GRAFTLAB_TEST_LOG_LEVEL ?? 'warn',
    });
    stack = await startStack({
      config,
      childStdio: process.env.GRAFTLAB_TEST_CHILD_OUTPUT ? 'inherit' : 'ignore',
    });
    api = new ApiClient({ apiUrl: stack.apiUrl, token: TOKEN });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers the ask of the ask/tell contract: inside the space, reproducible, never a pending point', async () => {
    const body = { space: SPACE, observations: OBSERVATIONS, batchSize: 3, seed: 11 };
    const a = await api.post<{
      candidates: { params: Record<string, number | string> }[];
      modelVersion: string;
    }>('/api/optimizer/suggest', body);
    const b = await api.post<typeof a>('/api/optimizer/suggest', body);
    expect(a.candidates).toHaveLength(3);
    expect(b).toEqual(a);
    for (const { params } of a.candidates) {
      expect(params.dose).toBeGreaterThanOrEqual(5);
      expect(params.dose).toBeLessThanOrEqual(50);
      expect(params.temperature).toBeGreaterThanOrEqual(25);
      expect(params.temperature).toBeLessThanOrEqual(60);
      expect(['PE', 'PP', 'ETFE']).toContain(params.basePolymer);
      expect(params).not.toEqual(OBSERVATIONS[4].params);
    }
    const bad = await api
      .post('/api/optimizer/suggest', {
        ...body,
        observations: [{ params: { dose: 500 }, status: 'completed' }],
      })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect((bad as ApiError).status).toBe(422);
    expect((bad as ApiError).body).toMatchObject({
      pointer: expect.stringMatching(/^\/observations\/0/) as unknown,
    });
    const anonymous = await fetch(`${stack.apiUrl}/api/optimizer/suggest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(anonymous.status).toBe(401);
  });

  it('keeps proposals outside the autonomy envelope off the queue until a person approves them', async () => {
    const created = await api.post<CampaignView>('/api/campaigns', {
      name: 'approval gate',
      protocol: PROTOCOL,
      objective: { targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100 }] },
      budget: 2,
      batchSize: 2,
      seed: 5,
      // No autonomy envelope: every proposal waits for a person.
    });
    let view = created;
    for (let i = 0; i < 60 && view.progress.awaitingApproval < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      view = await api.get<CampaignView>(`/api/campaigns/${created.id}`);
    }
    expect(view.suggestions.map((s) => s.state)).toEqual(['proposed', 'proposed']);
    expect(view.suggestions.every((s) => s.run === null && typeof s.modelVersion === 'string')).toBe(true);
    expect(view.suggestions[0].needsApproval).toContain('the campaign has no autonomy envelope');
    // Still nothing queued a few driver ticks later.
    await new Promise((r) => setTimeout(r, 4500));
    view = await api.get<CampaignView>(`/api/campaigns/${created.id}`);
    expect(view.progress).toMatchObject({ experiments: 0, awaitingApproval: 2 });

    const [first, second] = view.suggestions;
    const approved = await api.post<{ state: string; runId: string; approvedBy: string }>(
      `/api/campaigns/${created.id}/suggestions/${first.id}/approve`,
      { reason: 'inside the usual range' },
    );
    expect(approved).toMatchObject({ state: 'queued', approvedBy: expect.any(String) as unknown });
    const approver = approved.approvedBy;
    const rejected = await api.post<{ state: string; reason: string }>(
      `/api/campaigns/${created.id}/suggestions/${second.id}/reject`,
      { reason: 'not today' },
    );
    expect(rejected).toMatchObject({ state: 'rejected', reason: `rejected by ${approver}: not today` });
    const again = await api
      .post(`/api/campaigns/${created.id}/suggestions/${first.id}/approve`, {})
      .catch((e: unknown) => e);
    expect((again as ApiError).status).toBe(409);
    const paused = await api.post<{ state: string }>(`/api/campaigns/${created.id}/pause`, {});
    expect(paused.state).toBe('paused');
    const list = await api.get<{ id: string; state: string }[]>('/api/campaigns');
    expect(list.find((c) => c.id === created.id)?.state).toBe('paused');
  });

  it('runs the demo campaign end to end: proposes, queues, learns, stops, summarizes and plots', async () => {
    const out = memoryOutput();
    const plotPath = path.join(dir, 'campaign.svg');
    const result = await runCampaignShowcase({ api, out, budget: 8, batchSize: 4, plotPath });
    expect(result.view.state).toBe('completed');
    expect(result.experiments).toBeGreaterThanOrEqual(4);
    expect(result.experiments).toBeLessThanOrEqual(8);
    expect(result.view.stopReason).toMatch(/budget of 8 experiments spent|target met/);
    const ran = result.view.suggestions.filter((s) => s.run !== null);
    expect(ran).toHaveLength(result.experiments);
    for (const s of ran) {
      expect(s.modelVersion).toEqual(expect.any(String));
      expect(s.approvedBy).toBe('autonomy-envelope');
      expect(s.approvedAt).toEqual(expect.any(String));
      expect(['completed', 'failed']).toContain(s.state);
    }
    // The first batch shares nothing with the second: the second was asked with the first's results.
    const batches = new Set(ran.map((s) => s.batch));
    if (result.experiments > 4) expect(batches.size).toBe(2);
    expect(result.best?.result?.outputs.degreeOfGrafting).toEqual(expect.any(Number));
    const svg = readFileSync(plotPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('best so far');
    expect(out.stdout.join('\n')).toMatch(/experiments used: \d+ of 8/);
    expect(out.stdout.join('\n')).toMatch(/best: degreeOfGrafting/);
  }, 180_000);
});
