import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient } from '../api-client';
import { EXIT, memoryOutput } from '../cli-output';
import { parseParams, runProtocol } from './run.command';

/** A stand-in for the API's run endpoints: this suite checks the CLI's side (request, watch, exit codes). */
function fakeApi(states: string[]): Promise<{ server: Server; url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  let polls = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/api/runs') {
        const body = JSON.parse(text) as { parameters: Record<string, unknown> };
        bodies.push(body);
        if (body.parameters.dose === -1) {
          res.statusCode = 422;
          return res.end(
            JSON.stringify({
              message: 'bad',
              problems: [{ pointer: '/parameters/dose', message: 'expected a dose above 0 kGy' }],
            }),
          );
        }
        res.statusCode = 201;
        return res.end(
          JSON.stringify({ id: 'run-1', state: 'queued', station: 'reactor-1', estimatedDurationS: 3600 }),
        );
      }
      const state = states[Math.min(polls++, states.length - 1)];
      res.end(
        JSON.stringify({
          id: 'run-1',
          state,
          reason: state === 'failed' ? 'pump-1 stalled' : null,
          station: 'reactor-1',
          parameters: {},
          steps: [{ key: 'weigh', state: state === 'queued' ? 'planned' : 'confirmed', type: 'weigh' }],
          results:
            state === 'completed'
              ? { degreeOfGrafting: { value: 101.2, unit: '%', uncertainty: 0.4, sampleId: 's-1' } }
              : {},
          startedAt: null,
          finishedAt: null,
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies }),
    ),
  );
}

const protocolFile = () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'graftlab-run-')), 'p.json');
  writeFileSync(file, JSON.stringify({ id: 'p' }));
  return file;
};
const base = { param: [] as string[], watch: false, json: false };

describe('graftlab run', () => {
  it('parses --param values into numbers, booleans and text', () => {
    expect(parseParams(['dose=30', 'basePolymer=PE', 'split=true'])).toEqual({
      dose: 30,
      basePolymer: 'PE',
      split: true,
    });
    expect(() => parseParams(['dose'])).toThrow(/expected name=value/);
  });

  it('submits with the parameters and key, watches to completion and exits 0 with the result', async () => {
    const api = await fakeApi(['queued', 'running', 'completed']);
    try {
      const out = memoryOutput();
      const code = await runProtocol(
        protocolFile(),
        { ...base, param: ['dose=30'], idempotencyKey: 'k1', watch: true },
        out,
        new ApiClient({ apiUrl: api.url, token: 't'.repeat(16) }),
      );
      expect(code).toBe(EXIT.ok);
      expect(api.bodies[0]).toMatchObject({ parameters: { dose: 30 }, idempotencyKey: 'k1' });
      expect(out.stdout.join('\n')).toMatch(/degreeOfGrafting = 101\.20 ± 0\.40 %/);
    } finally {
      api.server.close();
    }
  });

  it('exits 4 naming the reason when the run fails, 1 with pointers when refused, 3 when the API is unreachable', async () => {
    const api = await fakeApi(['running', 'failed']);
    try {
      const client = new ApiClient({ apiUrl: api.url, token: 't'.repeat(16) });
      const failed = memoryOutput();
      expect(await runProtocol(protocolFile(), { ...base, watch: true }, failed, client)).toBe(EXIT.failed);
      expect(failed.stdout.join('\n')).toMatch(/failed \(pump-1 stalled\)/);
      const refused = memoryOutput();
      expect(await runProtocol(protocolFile(), { ...base, param: ['dose=-1'] }, refused, client)).toBe(
        EXIT.invalid,
      );
      expect(refused.stderr).toEqual(['/parameters/dose: expected a dose above 0 kGy']);
    } finally {
      api.server.close();
    }
    const down = memoryOutput();
    expect(
      await runProtocol(
        protocolFile(),
        base,
        down,
        new ApiClient({ apiUrl: 'http://127.0.0.1:1', token: 't'.repeat(16) }),
      ),
    ).toBe(EXIT.unreachable);
    expect(down.stderr[0]).toMatch(/cannot reach the graftlab API at http:\/\/127\.0\.0\.1:1/);
  });
});
