import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { AuditRepository } from '@graftlab/db';
import { ROOT, startApiApp, type ApiApp, type TestRole } from './support/api-app';

const protocol = JSON.parse(
  readFileSync(path.join(ROOT, 'protocols/pe-gma-emulsion.json'), 'utf8'),
) as Record<string, unknown>;

/** Every route that needs a token, with a role the route refuses (403) and a body that would be valid. */
const DENIALS: {
  method: 'get' | 'post' | 'delete';
  path: string;
  role: TestRole;
  body?: object;
  what: string;
}[] = [
  {
    method: 'post',
    path: '/api/runs',
    role: 'instrument',
    body: { protocol },
    what: 'an instrument submits a run',
  },
  { method: 'post', path: '/api/estop/reset', role: 'scientist', what: 'a scientist resets the e-stop' },
  { method: 'post', path: '/api/estop/reset', role: 'operator', what: 'an operator resets the e-stop' },
  { method: 'post', path: '/api/estop', role: 'instrument', body: {}, what: 'an instrument presses e-stop' },
  { method: 'get', path: '/api/runs/r-1', role: 'instrument', what: 'an instrument reads a run' },
  { method: 'post', path: '/api/runs/r-1/pause', role: 'instrument', body: {}, what: 'an instrument pauses' },
  {
    method: 'post',
    path: '/api/runs/r-1/resume',
    role: 'instrument',
    body: {},
    what: 'an instrument resumes',
  },
  { method: 'post', path: '/api/runs/r-1/abort', role: 'instrument', body: {}, what: 'an instrument aborts' },
  {
    method: 'post',
    path: '/api/protocols',
    role: 'operator',
    body: protocol,
    what: 'an operator writes a protocol',
  },
  {
    method: 'post',
    path: '/api/protocols',
    role: 'instrument',
    body: protocol,
    what: 'an instrument writes one',
  },
  {
    method: 'post',
    path: '/api/protocols/validate',
    role: 'instrument',
    body: protocol,
    what: 'instrument validates',
  },
  { method: 'get', path: '/api/protocols', role: 'instrument', what: 'an instrument lists protocols' },
  { method: 'get', path: '/api/protocols/p', role: 'instrument', what: 'an instrument reads a protocol' },
  {
    method: 'post',
    path: '/api/protocols/p/approve',
    role: 'scientist',
    body: {},
    what: 'a scientist approves',
  },
  {
    method: 'post',
    path: '/api/protocols/p/approve',
    role: 'operator',
    body: {},
    what: 'an operator approves',
  },
  { method: 'get', path: '/api/prompts', role: 'instrument', what: 'an instrument lists prompts' },
  {
    method: 'post',
    path: '/api/prompts/x/ack',
    role: 'instrument',
    body: {},
    what: 'an instrument acknowledges',
  },
  { method: 'get', path: '/api/events', role: 'instrument', what: 'an instrument opens the event stream' },
  { method: 'get', path: '/api/audit', role: 'scientist', what: 'a scientist reads the audit trail' },
  { method: 'get', path: '/api/audit', role: 'operator', what: 'an operator reads the audit trail' },
  { method: 'get', path: '/api/audit/verify', role: 'operator', what: 'an operator verifies the chain' },
  {
    method: 'post',
    path: '/api/tokens',
    role: 'safety-officer',
    body: { name: 'x', role: 'admin' },
    what: 'non-admin mints a token',
  },
  { method: 'get', path: '/api/tokens', role: 'scientist', what: 'a scientist lists tokens' },
  { method: 'delete', path: '/api/tokens/t-1', role: 'operator', what: 'an operator revokes a token' },
  {
    method: 'post',
    path: '/api/instruments/balance-1/status',
    role: 'operator',
    body: { state: 'ok' },
    what: 'a person reports instrument status',
  },
  { method: 'get', path: '/admin/queues', role: 'safety-officer', what: 'a non-admin opens Bull Board' },
];

describe('API authentication and roles', () => {
  let api: ApiApp;
  const http = () => request(api.app.getHttpServer());

  beforeAll(async () => {
    api = await startApiApp();
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each(DENIALS)('401 without a token: $method $path', async ({ method, path: route, body }) => {
    const res = await http()[method](route).send(body);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.message).toMatch(/token/);
  });

  it.each(DENIALS)('403 when $what', async ({ method, path: route, role, body }) => {
    const res = await http()[method](route).set('authorization', `Bearer ${api.tokens[role]}`).send(body);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(new RegExp(`role ${role} may not`));
  });

  it('401 for an unknown, malformed or revoked token', async () => {
    expect(
      (await http().get('/api/auth/me').set('authorization', 'Bearer glt_not-a-real-token-at-all')).status,
    ).toBe(401);
    expect((await http().get('/api/auth/me').set('authorization', 'Basic abc')).status).toBe(401);
    const created = await http()
      .post('/api/tokens')
      .set('authorization', `Bearer ${api.tokens.admin}`)
      .send({ name: 'temp', role: 'operator' });
    expect(created.status).toBe(201);
    const temp = created.body.token as string;
    expect((await http().get('/api/auth/me').set('authorization', `Bearer ${temp}`)).body).toMatchObject({
      name: 'temp',
      role: 'operator',
    });
    const revoked = await http()
      .delete(`/api/tokens/${created.body.id as string}`)
      .set('authorization', `Bearer ${api.tokens.admin}`);
    expect(revoked.status).toBe(200);
    expect((await http().get('/api/auth/me').set('authorization', `Bearer ${temp}`)).status).toBe(401);
    const listed = await http().get('/api/tokens').set('authorization', `Bearer ${api.tokens.admin}`);
    expect(JSON.stringify(listed.body)).not.toContain(temp);
    expect(listed.body.find((t: { id: string }) => t.id === created.body.id).revokedAt).not.toBeNull();
  });

  it('exposes its metrics: run counts by state, station queue jobs, and request durations by route pattern', async () => {
    await http().get('/api/runs/not-a-run').set('authorization', `Bearer ${api.tokens.scientist}`);
    const text = (await http().get('/metrics')).text;
    expect(text).toMatch(/^graftlab_runs\{state="queued"\} \d+$/m);
    expect(text).toMatch(/^graftlab_queue_jobs\{queue="reactor-1",state="waiting"\} \d+$/m);
    expect(text).toMatch(
      /^graftlab_http_request_seconds_count\{method="GET",route="\/api\/runs\/:id",status="404"\} [1-9]\d*$/m,
    );
    expect(text).not.toContain('not-a-run');
  });

  it('opens public routes without a token and list routes to every role', async () => {
    expect((await http().get('/metrics')).status).toBe(200);
    expect((await http().get('/api/openapi.json')).status).toBe(200);
    for (const role of ['scientist', 'operator', 'safety-officer', 'instrument', 'admin'] as const)
      for (const route of ['/api/runs', '/api/devices', '/api/stations', '/api/auth/me']) {
        const res = await http().get(route).set('authorization', `Bearer ${api.tokens[role]}`);
        expect([route, role, res.status]).toEqual([route, role, 200]);
      }
  });

  it('creates the bootstrap admin once, however often the API starts', async () => {
    const me = await http().get('/api/auth/me').set('authorization', `Bearer ${api.bootstrapToken}`);
    expect(me.body).toMatchObject({ name: 'bootstrap-admin', role: 'admin' });
    await api.app
      .get((await import('../../apps/api/src/auth/auth.service')).AuthService)
      .onApplicationBootstrap();
    const tokens = await http().get('/api/tokens').set('authorization', `Bearer ${api.tokens.admin}`);
    expect(tokens.body.filter((t: { name: string }) => t.name === 'bootstrap-admin')).toHaveLength(1);
  });

  it('lets an instrument report its own status only', async () => {
    const own = await http()
      .post('/api/instruments/balance-1/status')
      .set('authorization', `Bearer ${api.tokens.instrument}`)
      .send({ state: 'ok', detail: { massG: 1.2345 } });
    expect(own.status).toBe(202);
    const other = await http()
      .post('/api/instruments/pump-1/status')
      .set('authorization', `Bearer ${api.tokens.instrument}`)
      .send({ state: 'ok' });
    expect(other.status).toBe(403);
    const devices = await http().get('/api/devices').set('authorization', `Bearer ${api.tokens.operator}`);
    expect(devices.body.find((d: { id: string }) => d.id === 'balance-1').status).toMatchObject({
      state: 'ok',
      detail: { massG: 1.2345 },
      reportedBy: 'balance-1',
    });
  });

  it('logs the dashboard in with an httpOnly cookie and refuses cookie changes without the request header', async () => {
    const bad = await http().post('/api/auth/login').send({ token: 'glt_wrong-wrong-wrong-wrong' });
    expect(bad.status).toBe(401);
    const login = await http().post('/api/auth/login').send({ token: api.tokens.operator });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/graftlab_session=.+; .*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = cookie.split(';')[0];
    expect((await http().get('/api/auth/me').set('cookie', session)).body).toMatchObject({
      name: 'operator-1',
    });
    const noHeader = await http().post('/api/prompts/nope/ack').set('cookie', session).send({});
    expect(noHeader.status).toBe(403);
    const withHeader = await http()
      .post('/api/prompts/nope/ack')
      .set('cookie', session)
      .set('x-graftlab-request', '1')
      .send({});
    expect(withHeader.status).toBe(404);
    expect((await http().post('/api/auth/logout')).headers['set-cookie']).toBeDefined();
  });

  it('sends no CORS headers to another origin', async () => {
    const res = await http()
      .options('/api/runs')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const res = await http()
      .post('/api/protocols/validate')
      .set('authorization', `Bearer ${api.tokens.scientist}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
    expect(res.status).toBe(413);
  });

  it('rate-limits logins (429 after 20 a minute)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await http().post('/api/auth/login').send({ token: 'glt_guess-guess-guess-guess' })).status,
      );
    // Earlier tests in this file logged in twice from this address within the minute.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });

  it('enforces the two-person rule on protocol approval and audits it', async () => {
    const author = await api.token('safety-officer', 'rso-author');
    const saved = await http().post('/api/protocols').set('authorization', `Bearer ${author}`).send(protocol);
    expect(saved.status).toBe(201);
    const id = saved.body.id as string;
    const self = await http()
      .post(`/api/protocols/${id}/approve`)
      .set('authorization', `Bearer ${author}`)
      .send({});
    expect(self.status).toBe(403);
    expect(self.body.message).toMatch(/two-person rule/);
    const ok = await http()
      .post(`/api/protocols/${id}/approve`)
      .set('authorization', `Bearer ${api.tokens['safety-officer']}`)
      .send({ reason: 'dose and purge checked' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id,
      approvedBy: 'safety-officer-1',
      contentHash: saved.body.contentHash,
    });
    const again = await http()
      .post(`/api/protocols/${id}/approve`)
      .set('authorization', `Bearer ${api.tokens.admin}`)
      .send({});
    expect(again.status).toBe(409);
    const audit = await http()
      .get('/api/audit?limit=500')
      .set('authorization', `Bearer ${api.tokens['safety-officer']}`);
    expect(audit.status).toBe(200);
    const entry = (
      audit.body.entries as { action: string; actor: string; reason: string; target: string }[]
    ).find((e) => e.action === 'protocol.approve');
    expect(entry).toMatchObject({
      actor: 'safety-officer-1',
      reason: 'dose and purge checked',
      target: `${id}@1`,
    });
    expect(await new AuditRepository(api.db).verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('pages the audit trail by sequence number', async () => {
    const auth = `Bearer ${api.tokens.admin}`;
    const first = await http().get('/api/audit?limit=2').set('authorization', auth);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.nextAfterSeq).toBe(2);
    const next = await http().get('/api/audit?limit=2&afterSeq=2').set('authorization', auth);
    expect(next.body.entries[0].seq).toBe(3);
    expect((await http().get('/api/audit?limit=0').set('authorization', auth)).status).toBe(422);
  });

  it('serves Bull Board to admins only', async () => {
    const res = await http().get('/admin/queues').set('authorization', `Bearer ${api.tokens.admin}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('graftlab queues');
    const queues = await http()
      .get('/admin/queues/api/queues')
      .set('authorization', `Bearer ${api.tokens.admin}`);
    expect(queues.status).toBe(200);
    expect(JSON.stringify(queues.body)).toContain('{station-reactor-1}');
  });
});
