import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseConfig } from '@graftlab/config';
import { openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import {
  freePort,
  startLocalBroker,
  startPrivateRedis,
  type EmbeddedBroker,
  type PrivateRedis,
} from '@graftlab/infra';
import { loadInventory } from '@graftlab/inventory';
import { startStack, type RunningStack } from '@graftlab/stack';
import { startVirtualLab, withFreeTcpPorts, type VirtualLab } from '@graftlab/twins';
import { findDashboardDir } from '../../apps/api/src/dashboard/dashboard.static';

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'artifacts', 'e2e');
// 3600: one lab hour per second. Faster, a fraction of a second of wall latency under load already spends a
// protocol time window (30 lab min = 0.25 s at ×7200) and the sample is invalidated.
const CLOCK_SPEED = 3600;
const BOOTSTRAP = `e2e-admin-${randomBytes(12).toString('hex')}`;
/** Chromium's own background traffic is refused by this closed network; these flags keep it quiet. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

jest.setTimeout(240_000);

/**
 * The dashboard in a real headless Chromium against a whole stack (virtual lab, worker, API): log in, submit a
 * run from the protocol library and watch it to completion, approve a campaign proposal, press e-stop and see
 * every device confirmed safe.
 */
describe('dashboard end to end (Playwright, headless Chromium)', () => {
  let redis: PrivateRedis;
  let broker: EmbeddedBroker;
  let db: GraftlabDb & { url?: string };
  let lab: VirtualLab;
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const tokens: Record<string, string> = {};
  let campaignId: string | undefined;

  const api = async <T>(token: string, method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(stack.apiUrl + route, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const deviceAttr = (attr: string) =>
    page.$$eval(
      'tr[data-device]',
      (els, a) => Object.fromEntries(els.map((e) => [e.getAttribute('data-device'), e.getAttribute(a)])),
      attr,
    );
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    expect(findDashboardDir()).toBeDefined(); // `npm run build:dashboard` (the prepare chain) built it
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(path.join(tmpdir(), 'graftlab-e2e-'));
    redis = await startPrivateRedis();
    broker = await startLocalBroker();
    db = await openScratchDatabase('postgres');
    const labId = `e2e-${randomBytes(3).toString('hex')}`;
    const clockOriginMs = Date.now();
    lab = await startVirtualLab({
      inventory: withFreeTcpPorts(loadInventory(path.join(ROOT, 'devices/virtual-lab.json'))),
      mqttUrl: broker.url,
      clockSpeed: CLOCK_SPEED,
      clockOriginMs,
      seed: 1,
      labId,
    });
    const inventoryPath = path.join(dir, 'lab.json');
    writeFileSync(inventoryPath, JSON.stringify(lab.inventory)); // the twins' actual ports
    stack = await startStack({
      config: parseConfig({
        PORT: String(await freePort()),
        REDIS_URL: redis.url,
        MQTT_URL: broker.url,
        MQTT_PROTOCOL_VERSION: String(broker.protocolVersion),
        DATABASE_URL: db.url,
        DATA_DIR: dir,
        LAB_INVENTORY: inventoryPath,
        LAB_ID: labId,
        GRAFTLAB_CLOCK_SPEED: String(CLOCK_SPEED),
        GRAFTLAB_CLOCK_ORIGIN: String(clockOriginMs),
        GRAFTLAB_BOOTSTRAP_TOKEN: BOOTSTRAP,
        GRAFTLAB_SHUTDOWN_TIMEOUT_MS: '5000',
        LOG_LEVEL: process.env.GRAFTLAB_TEST_LOG_LEVEL ?? 'warn',
      }),
      startVirtualLab: false,
      childStdio: process.env.GRAFTLAB_TEST_CHILD_OUTPUT ? 'inherit' : 'ignore',
    });
    for (const [name, role] of [
      ['ana', 'scientist'],
      ['rso', 'safety-officer'],
    ] as const)
      tokens[role] = (await api<{ token: string }>(BOOTSTRAP, 'POST', '/api/tokens', { name, role })).token;
    // The library holds the protocol a scientist wrote; the campaign waits for a person on every proposal.
    const protocol = JSON.parse(
      readFileSync(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'),
    ) as object;
    await api(tokens.scientist, 'POST', '/api/protocols', protocol);
    const campaign = await fetch(`${stack.apiUrl}/api/campaigns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.scientist}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'DG 100 % (e2e)',
        protocolId: 'pe-gma-emulsion',
        objective: { targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100 }] },
        budget: 1,
        batchSize: 1,
        seed: 3,
      }),
    });
    if (campaign.status === 201) campaignId = ((await campaign.json()) as { id: string }).id;
    else expect(campaign.status).toBe(404); // the campaign API not deployed: the view must say so
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await lab?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await Promise.allSettled([redis?.stop(), broker?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with an API token (wrong token refused) and shows the lab live', async () => {
    await page.goto(stack.apiUrl + '/');
    await page.getByLabel('API token').fill('glt_this-token-does-not-exist');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid or revoked' }).waitFor();
    await page.getByLabel('API token').fill(tokens['safety-officer']);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('actor').filter({ hasText: 'rso' }).waitFor();
    // The token lives in an httpOnly cookie: no page script can read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('graftlab_session');
    await expect(page.getByRole('button', { name: 'E-STOP' }).isVisible()).resolves.toBe(true);
    // Every device of the inventory is listed and reported ok by the worker's status polls over /api/events.
    const rows = page.locator('tr[data-device]');
    // Station devices are polled by the worker that owns them; shared ones (gamma cell, balance, robot) report
    // while a run leases them.
    const shared = new Set(lab.inventory.shared);
    await page
      .waitForFunction(
        (n) => document.querySelectorAll('tr[data-device][data-state="ok"]').length >= n,
        lab.inventory.devices.length - shared.size,
        { timeout: 30_000 },
      )
      .catch(() => undefined);
    expect(await rows.count()).toBe(lab.inventory.devices.length);
    const states = await deviceAttr('data-state');
    expect(Object.fromEntries(Object.entries(states).filter(([id]) => !shared.has(id!)))).toEqual(
      Object.fromEntries(lab.inventory.devices.filter((d) => !shared.has(d.id)).map((d) => [d.id, 'ok'])),
    );
    // The O₂ sensors' own telemetry arrives live from the broker, through the API, into their rows.
    await page
      .locator('tr[data-device="o2-1"]')
      .filter({ hasText: /o2Ppm \d/ })
      .waitFor({ timeout: 15_000 });
    await page.locator('article.card').first().waitFor();
    await shot('01-lab-overview');
  });

  it('submits a run from the protocol library and watches it to completion', async () => {
    await page.getByRole('link', { name: 'Protocols' }).click();
    await page.getByRole('link', { name: /PE/ }).first().click();
    await page.getByTestId('plan-preview').first().waitFor();
    await shot('02-protocol-plan-preview');
    await page.getByRole('button', { name: 'Submit run' }).click();
    await page.waitForURL(/#\/runs\/.+/);
    const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
    const state = page.getByTestId('run-state');
    const seen = new Set<string>();
    const deadline = Date.now() + 150_000;
    let shotRunning = false;
    for (;;) {
      const s = (await state.textContent({ timeout: 10_000 })) ?? '';
      seen.add(s);
      if (s === 'running' && !shotRunning && (await page.locator('li[data-state="confirmed"]').count()) > 2) {
        await shot('03-run-in-progress');
        shotRunning = true;
      }
      if (['completed', 'failed', 'aborted'].includes(s) || Date.now() > deadline) break;
      await page.waitForTimeout(500);
    }
    expect([...seen].at(-1)).toBe('completed');
    // Every step confirmed, the degree of grafting shown, the temperature chart drawn.
    const steps = page.locator('li[data-step]');
    expect(await steps.count()).toBeGreaterThan(3);
    const stepStates = await page.$$eval('li[data-step]', (els) =>
      els.map((e) => `${e.dataset.step}:${e.dataset.state}`),
    );
    // Confirmed, or (a step without a single command, e.g. the sample already on the balance) not needed.
    expect(stepStates.filter((s) => !/:(confirmed|not needed)$/.test(s))).toEqual([]);
    expect(stepStates.filter((s) => s.endsWith(':confirmed')).length).toBeGreaterThan(stepStates.length / 2);
    const dg = await page.locator('[data-result="degreeOfGrafting"]').textContent({ timeout: 60_000 });
    expect(Number.parseFloat(dg ?? '')).toBeGreaterThan(50);
    await page.locator('[data-panel="temperature"] canvas').waitFor();
    await shot('04-run-completed');
    // The queue lists it, the Gantt view renders.
    await page.getByRole('link', { name: 'Runs & schedule' }).click();
    await page.locator(`tr[data-run="${runId}"][data-state="completed"]`).waitFor();
    await shot('05-run-queue');
  });

  it('approves a campaign proposal', async () => {
    await page.getByRole('link', { name: 'Campaigns' }).click();
    if (!campaignId) {
      await page.getByText('campaign service is not available').waitFor();
      await shot('06-campaigns-unavailable');
      return;
    }
    await page.getByRole('link', { name: 'DG 100 % (e2e)' }).click();
    const proposal = page.locator('li[data-suggestion]').first();
    await proposal.waitFor({ timeout: 60_000 });
    const sid = await proposal.getAttribute('data-suggestion');
    await shot('06-campaign-proposal');
    await proposal.getByRole('button', { name: 'Approve' }).click();
    await page.locator(`li[data-suggestion="${sid}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    const view = await api<{ suggestions: { id: string; state: string; approvedBy: string | null }[] }>(
      tokens.scientist,
      'GET',
      `/api/campaigns/${campaignId}`,
    );
    expect(view.suggestions.find((s) => s.id === sid)).toMatchObject({ approvedBy: 'rso' });
    expect(view.suggestions.find((s) => s.id === sid)?.state).not.toBe('proposed');
    await shot('07-campaign-approved');
  });

  it('presses e-stop and sees every device confirmed safe', async () => {
    // E-stop with the lab idle: the approved campaign run first ends (see the report for e-stop mid-irradiation).
    if (campaignId) {
      const runs = async () =>
        (
          await api<{ id: string; state: string; reason: string | null; campaignId: string | null }[]>(
            tokens.scientist,
            'GET',
            '/api/runs',
          )
        ).filter((r) => r.campaignId);
      const deadline = Date.now() + 90_000;
      for (
        let open = await runs();
        open.some((r) => !['completed', 'failed', 'aborted'].includes(r.state));
      ) {
        if (Date.now() > deadline)
          throw new Error(`the campaign run did not finish within 90 s: ${JSON.stringify(open)}`);
        await new Promise((r) => setTimeout(r, 500));
        open = await runs();
      }
    }
    await page.getByRole('link', { name: 'Lab overview' }).click();
    await page.locator('tr[data-device]').first().waitFor();
    await page.getByRole('button', { name: 'E-STOP' }).click();
    await page.getByTestId('estop-banner').waitFor({ timeout: 15_000 });
    const shared = new Set(lab.inventory.shared);
    await page
      .waitForFunction(
        (n) => document.querySelectorAll('tr[data-device][data-safe="confirmed"]').length >= n,
        lab.inventory.devices.length - shared.size,
        { timeout: 30_000 },
      )
      .catch(() => undefined);
    await shot('08-estop-all-safe');
    const errors = await page.$$eval('tr[data-device][data-safe="failed"]', (els) =>
      els.map((e) => e.textContent),
    );
    expect(errors).toEqual([]);
    // Every device a worker holds is driven safe and confirmed; the shared instruments, released between runs
    // and held by no worker while the lab is idle, are shown as such (see the report).
    expect(await deviceAttr('data-safe')).toEqual(
      Object.fromEntries(
        lab.inventory.devices.map((d) => [
          d.id,
          shared.has(d.id) ? expect.stringMatching(/^(confirmed|not-held)$/) : 'confirmed',
        ]),
      ),
    );
    await page.getByTestId('estop-banner').filter({ hasText: 'devices safe' }).waitFor();
    // Audited: the e-stop by the logged-in safety officer, and the chain intact.
    const audit = await api<{ entries: { action: string; actor: string }[] }>(
      tokens['safety-officer'],
      'GET',
      '/api/audit?limit=500',
    );
    expect(audit.entries).toContainEqual(expect.objectContaining({ action: 'estop', actor: 'rso' }));
    expect(audit.entries).toContainEqual(expect.objectContaining({ action: 'run.submit', actor: 'rso' }));
    await expect(api(tokens['safety-officer'], 'GET', '/api/audit/verify')).resolves.toMatchObject({
      ok: true,
    });
  });

  it("shows the run's stored plan: a run submitted with a non-default dose shows that dose planned", async () => {
    // The protocol's default is 30 kGy; the run page must show the plan the run executes, not the protocol's.
    // Last in the file: with the e-stop of the test before still latched, the run is admitted (its plan stored)
    // and aborted at its first step, so it moves nothing that other tests would wait for.
    const submitted = await api<{ id: string }>(tokens.scientist, 'POST', '/api/runs', {
      protocolId: 'pe-gma-emulsion',
      parameters: { dose: 12 },
      priority: -1,
    });
    await page.goto(`${stack.apiUrl}/#/runs/${encodeURIComponent(submitted.id)}`);
    const planned = page.locator('[data-planned-dose]').first();
    await planned.waitFor({ timeout: 15_000 });
    expect(await planned.textContent()).toMatch(/planned 12 kGy/);
    expect(await page.locator('[data-planned-dose]').allTextContents()).not.toContainEqual(
      expect.stringMatching(/planned 30 kGy/),
    );
    await shot('09-run-stored-plan');
  });
});
