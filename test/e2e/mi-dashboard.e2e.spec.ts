import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ProtocolsRepository, ResultsRepository, RunsRepository, CampaignsRepository } from '@graftlab/db';
import { seedSyntheticDatabase, UNSEEN_MONOMER } from '@graftlab/mi-service';
import type { Params } from '@graftlab/optimizer';
import { CampaignsService } from '../../apps/api/src/campaigns/campaigns.service';
import { findDashboardDir } from '../../apps/api/src/dashboard/dashboard.static';
import { startApiApp, type ApiApp } from '../api/support/api-app';

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'artifacts', 'e2e');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

jest.setTimeout(180_000);

const SPEC = {
  targets: [
    { property: 'DG', min: 120, unit: '%' },
    { property: 'water_uptake', max: 60, unit: '%' },
  ],
  candidates: { basePolymers: ['PX', 'PY'], monomers: ['M-a', 'M-e', UNSEEN_MONOMER.name] },
  conditions: { temperatureC: { values: [60] } },
};

/** A made-up GMA response for the multi-objective campaign: the graft grows with dose, concentration and time. */
const trueDg = (p: Params) =>
  6 *
  Math.sqrt(p.dose as number) *
  (p.monomerConcentration as number) ** 0.7 *
  (1 - Math.exp(-(p.graftTime as number))) *
  Math.exp(-((((p.graftTemperature as number) - 45) / 20) ** 2));

/**
 * The MI pages of the dashboard in headless Chromium against the API (in this process, real PostgreSQL and Redis):
 * rank materials for a target (table and mean ± sd plot), start a campaign from a proposal, and read a
 * multi-objective campaign's Pareto front with its constraint-breaking experiments marked.
 */
describe('dashboard MI ranking and Pareto front (Playwright, headless Chromium)', () => {
  let api: ApiApp;
  let url: string;
  let browser: Browser;
  let page: Page;
  let paretoCampaign: string;
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    expect(findDashboardDir()).toBeDefined(); // `npm run build:dashboard` built it
    mkdirSync(SHOTS, { recursive: true });
    api = await startApiApp();
    await api.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    await seedSyntheticDatabase(api.db, 6);
    const gma = JSON.parse(readFileSync(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'));
    const protocols = new ProtocolsRepository(api.db);
    await protocols.saveVersion({ protocolId: gma.id, document: gma });
    // A protocol grafting M-e on PY, for the one-click campaign.
    const pyMe = {
      ...gma,
      id: 'py-me-emulsion',
      materials: {
        ...gma.materials,
        base: { ...gma.materials.base, polymer: 'PY' },
        monomer: { ...gma.materials.monomer, name: 'M-e', abbreviation: 'Me' },
      },
    };
    await protocols.saveVersion({ protocolId: pyMe.id, document: pyMe });

    // A multi-objective campaign (most DG for the least dose, DG ≤ 60 %) with three measured batches.
    const loop = api.app.get(CampaignsService).loop;
    const campaign = await loop.create(
      {
        name: 'GMA Pareto (e2e)',
        protocolId: gma.id,
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
          constraints: [{ name: 'degreeOfGrafting', max: 60 }],
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
      },
      'ana',
    );
    paretoCampaign = campaign.id;
    const runs = new RunsRepository(api.db);
    for (let step = 0; step < 12; step++) {
      await loop.advance(campaign.id);
      const queued = await new CampaignsRepository(api.db).suggestions(campaign.id, 'queued');
      if (!queued.length) break;
      for (const s of queued) {
        await runs.transition(s.runId!, 'queued', 'running');
        const [sampleId] = await runs.sampleIds(s.runId!);
        const dg = trueDg(s.params as Params);
        await new ResultsRepository(api.db).recordResults(s.runId!, [
          { sampleId, name: 'degreeOfGrafting', value: dg, unit: '%', uncertainty: 0.03 * dg },
        ]);
        await runs.transition(s.runId!, 'running', 'completed');
      }
    }
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await page.goto(url + '/');
    await page.getByLabel('API token').fill(api.tokens.scientist);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('actor').filter({ hasText: 'scientist-1' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await api?.close();
  });

  it('refuses a bad spec with its pointers, then ranks proposals in a table with a mean ± sd plot per target', async () => {
    await page.getByRole('link', { name: 'MI ranking' }).click();
    const spec = page.getByLabel('Spec: targets, candidates, optional condition ranges');
    await spec.fill(JSON.stringify({ ...SPEC, targets: [{ property: 'sparkle', min: 1 }] }));
    await page.getByRole('button', { name: 'Rank' }).click();
    await page.getByTestId('problems').filter({ hasText: '/targets/0/property' }).waitFor();

    await spec.fill(JSON.stringify(SPEC, null, 2));
    await page.getByRole('button', { name: 'Rank' }).click();
    const rows = page.locator('tr[data-rank]');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(6);
    await page
      .getByTestId('model')
      .filter({
        hasText:
          // The lab's own films count too: admission records their base material with its catalogue descriptors.
          /MI model mi-[0-9a-f]{16}: 132 values from 72 samples \(lab 12, history \d+, literature \d+\)/,
      })
      .waitFor();
    const probabilities = (await page.getByTestId('probability').allTextContents()).map(Number);
    expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
    // One interval chart per target, a whisker per proposal, the bound drawn.
    const charts = page.locator('svg[data-chart="interval"]');
    expect(await charts.count()).toBe(2);
    expect(await charts.nth(0).locator('g[data-point]').count()).toBe(6);
    expect(await charts.nth(0).locator('g[data-bound="min"]').count()).toBe(1);
    expect(await charts.nth(1).locator('g[data-bound="max"]').count()).toBe(1);
    await shot('mi-01-ranking');
    // The best proposal is drawn inside (or near) both targets; the last one misses at least one of them.
    const verdicts = async (k: number) =>
      charts
        .nth(k)
        .locator('g[data-point]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    const [dg, wu] = [await verdicts(0), await verdicts(1)];
    expect([dg[0], wu[0]]).not.toContain('misses');
    expect([dg[5], wu[5]]).toContain('misses');
  });

  it('starts a campaign from a proposal in one click, with the database as prior', async () => {
    const spec = page.getByLabel('Spec: targets, candidates, optional condition ranges');
    await spec.fill(JSON.stringify({ ...SPEC, candidates: { basePolymers: ['PY'], monomers: ['M-e'] } }));
    await page.getByRole('button', { name: 'Rank' }).click();
    // The new ranking replaces the six-row table with one row.
    await page.waitForFunction(() => document.querySelectorAll('tr[data-rank]').length === 1);
    await page.locator('tr[data-rank="1"]').getByRole('button', { name: 'Start campaign' }).click();
    await page.waitForURL(/#\/campaigns\/cmp-/);
    await page
      .getByTestId('prior')
      .filter({
        hasText: /the MI database \(transfer model\) · from proposal #1 of MI model mi-[0-9a-f]{16}/,
      })
      .waitFor();
    await shot('mi-02-campaign-from-proposal');
  });

  it('shows the Pareto front of a multi-objective campaign and marks the experiments breaking a constraint', async () => {
    const view = (await (
      await fetch(`${url}/api/campaigns/${paretoCampaign}`, {
        headers: { authorization: `Bearer ${api.tokens.scientist}` },
      })
    ).json()) as { pareto: { points: { suggestionId: string; onFront: boolean; violates: string[] }[] } };
    const points = view.pareto.points;
    expect(points.length).toBe(12);
    await page.goto(`${url}/#/campaigns/${paretoCampaign}`);
    const chart = page.locator('svg[data-chart="pareto"]');
    await chart.waitFor();
    expect(await chart.locator('g[data-experiment]').count()).toBe(points.length);
    const front = await chart
      .locator('g[data-front="yes"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-experiment')).sort());
    expect(front).toEqual(
      points
        .filter((p) => p.onFront)
        .map((p) => p.suggestionId)
        .sort(),
    );
    expect(front.length).toBeGreaterThan(0);
    const violating = await chart
      .locator('g[data-violates]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-experiment')).sort());
    expect(violating).toEqual(
      points
        .filter((p) => p.violates.length)
        .map((p) => p.suggestionId)
        .sort(),
    );
    expect(violating.length).toBeGreaterThan(0);
    expect(await page.getByTestId('violations').textContent()).toBe(String(violating.length));
    // Each is listed with the constraint it broke.
    for (const id of violating)
      await page.getByText(`${id} (experiment`).filter({ hasText: 'breaks degreeOfGrafting' }).waitFor();
    await shot('mi-03-pareto-front');
  });
});
