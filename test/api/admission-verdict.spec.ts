import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { runs, samples } from '@graftlab/db';
import { ROOT, startApiApp, type ApiApp } from './support/api-app';

/**
 * A run never stops after an irreversible step for a reason the plan could know: admission refuses it with the
 * reason and the JSON pointer, and the dashboard's protocol preview (POST /api/protocols/validate) gives the
 * same verdict, from the same rules.
 */
const read = (file: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'protocols', file), 'utf8')) as {
    safety: Record<string, unknown>;
    steps: Record<string, unknown>[];
  };

const UNSAFE: { what: string; doc: () => unknown; pointer: string; message: RegExp }[] = [
  {
    what: 'toluene heated above its flash point without the inerting exception',
    doc: () => {
      const d = read('etfe-styrene-pem.json');
      d.safety.inertAboveFlashPoint = false;
      return d;
    },
    pointer: '/steps/12/setpoint',
    message: /above the solvent's flash point 4 °C minus the 10 K margin/,
  },
  {
    what: 'the reactor heated above the flash point before it is purged',
    doc: () => {
      const d = read('etfe-styrene-pem.json');
      const purge = d.steps.findIndex((s) => s.key === 'purge-reactor');
      const heat = d.steps.findIndex((s) => s.key === 'heat');
      [d.steps[purge], d.steps[heat]] = [d.steps[heat], d.steps[purge]];
      return d;
    },
    pointer: '/steps/11/setpoint',
    message: /not inerted first: no purge of "reactor-2\/vessel" completes before it/,
  },
  {
    what: 'a run that would leave its film on the shared balance',
    doc: () => {
      const d = read('ptfe-styrene-simultaneous.json');
      d.steps = d.steps.filter((s) => s.key !== 'unload');
      return d;
    },
    pointer: '/steps/13',
    message: /end with its samples in balance-1\/pan/,
  },
];

describe('admission and the protocol preview give the same safety verdict', () => {
  let api: ApiApp;

  beforeAll(async () => {
    api = await startApiApp();
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each(UNSAFE)(
    'refuses $what before anything is done, with its pointer',
    async ({ doc, pointer, message }) => {
      const auth = { authorization: `Bearer ${api.tokens.scientist}` };
      const preview = await request(api.app.getHttpServer())
        .post('/api/protocols/validate')
        .set(auth)
        .send(doc() as object);
      expect(preview.status).toBe(200);
      expect(preview.body.valid).toBe(false);
      const previewed = (preview.body.problems as { pointer: string; message: string }[]).find(
        (p) => p.pointer === pointer,
      );
      expect(previewed?.message).toMatch(message);

      const before = {
        runs: (await api.db.select().from(runs)).length,
        samples: (await api.db.select().from(samples)).length,
      };
      const admission = await request(api.app.getHttpServer())
        .post('/api/runs')
        .set(auth)
        .send({ protocol: doc(), idempotencyKey: `verdict-${pointer}` });
      expect(admission.status).toBe(422);
      expect(admission.body.problems).toContainEqual({ pointer, message: previewed!.message });
      expect({
        runs: (await api.db.select().from(runs)).length,
        samples: (await api.db.select().from(samples)).length,
      }).toEqual(before);
    },
  );
});
