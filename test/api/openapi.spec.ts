import request from 'supertest';
import { startApiApp, type ApiApp } from './support/api-app';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: unknown;
  security?: unknown[];
  'x-public'?: boolean;
  'x-roles'?: string[];
}

/** Registered on Express but not API routes: Swagger UI and the document itself, and Nest's not-found handler. */
const NOT_API = /^\/api\/(docs|openapi\.json)|^\/\{\*path\}$/;

/** The routes Nest registered on Express (Bull Board and the dashboard's files are mounted apart). */
function nestRoutes(api: ApiApp): { method: string; path: string }[] {
  const express = api.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack
    .filter((l): l is Required<Layer> => Boolean(l.route) && !NOT_API.test(l.route!.path))
    .flatMap((l) =>
      Object.keys(l.route.methods)
        .filter((m) => m !== '_all')
        .map((method) => ({ method, path: l.route.path })),
    );
}

/** Express `/api/runs/:id/pause` → OpenAPI `/api/runs/{id}/pause`. */
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

/** POST routes that take no body at all. */
const NO_BODY = new Set(['POST /api/estop/reset', 'POST /api/auth/logout']);

describe('OpenAPI document', () => {
  let api: ApiApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: object } };
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    api = await startApiApp();
    doc = (await request(api.app.getHttpServer()).get('/api/openapi.json')).body;
    routes = nestRoutes(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('finds the routes Nest registered', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(routes).toContainEqual({ method: 'post', path: '/api/runs' });
  });

  it('documents every registered route with a response schema, and a request schema for every body', () => {
    const missing: string[] = [];
    for (const { method, path } of routes) {
      const op = doc.paths[openApiPath(path)]?.[method];
      const name = `${method.toUpperCase()} ${path}`;
      if (!op) {
        missing.push(`${name}: not documented`);
        continue;
      }
      const success = Object.entries(op.responses ?? {}).filter(([code]) => /^2\d\d$/.test(code));
      if (!success.length || !success.every(([, r]) => Object.values(r.content ?? {}).some((c) => c.schema)))
        missing.push(`${name}: no response schema`);
      if (['post', 'put', 'patch'].includes(method) && !NO_BODY.has(name) && !op.requestBody)
        missing.push(`${name}: no request body schema`);
    }
    expect(missing).toEqual([]);
  });

  it("documents a run's submission and control bodies from the zod schemas that validate them", () => {
    const body = (path: string) =>
      (
        doc.paths[path]?.post?.requestBody as
          | { content: Record<string, { schema: { properties?: object; additionalProperties?: unknown } }> }
          | undefined
      )?.content['application/json']?.schema;
    const submit = body('/api/runs')!;
    expect(Object.keys(submit.properties ?? {}).sort()).toEqual(
      ['idempotencyKey', 'parameters', 'priority', 'protocol', 'protocolId', 'samples'].sort(),
    );
    expect(submit.additionalProperties).toBe(false); // .strict(): an unknown field is refused, and said so
    expect(Object.keys(body('/api/runs/{id}/pause')!.properties ?? {}).sort()).toEqual(['mode', 'reason']);
    expect(Object.keys(body('/api/runs/{id}/resume')!.properties ?? {}).sort()).toEqual([
      'resolution',
      'resolutions',
    ]);
  });

  it('declares bearer auth on every route that needs a token, and the roles it allows', () => {
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    const undeclared: string[] = [];
    for (const { method, path } of routes) {
      const op = doc.paths[openApiPath(path)]?.[method];
      if (!op || op['x-public']) continue;
      if (!op.security?.length || !op['x-roles']?.includes('admin')) undeclared.push(`${method} ${path}`);
      if (!op.responses?.['401'] || !op.responses?.['403']) undeclared.push(`${method} ${path}: no 401/403`);
    }
    expect(undeclared).toEqual([]);
  });

  it('refuses every non-public route without a token (401), whatever it is', async () => {
    const open: string[] = [];
    for (const { method, path } of routes) {
      const op = doc.paths[openApiPath(path)]?.[method];
      if (op?.['x-public']) continue;
      const concrete = path.replace(/:(\w+)/g, 'x-$1');
      const res = await request(api.app.getHttpServer())[method as 'get'](concrete).send({});
      if (res.status !== 401) open.push(`${method} ${path} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });
});
