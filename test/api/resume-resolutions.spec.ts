import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { runSamples, runs, samples, stepJournal } from '@graftlab/db';
import { ROOT, startApiApp, type ApiApp } from './support/api-app';

/**
 * A run that stopped with several uncertain steps is resumed with one resolution per step, as a person finds the
 * lab: the film's move happened (done: its record follows it) and the exposure did not (redo). A step key that is
 * not uncertain is refused with its pointer, and an unresolved step with 409; neither writes anything.
 */
describe('resuming a run with a resolution per uncertain step', () => {
  let api: ApiApp;
  const auth = () => ({ authorization: `Bearer ${api.tokens.operator}` });

  beforeAll(async () => {
    api = await startApiApp();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('settles each uncertain step as said, and refuses an unknown or missing resolution without writing', async () => {
    const protocol = JSON.parse(
      readFileSync(path.join(ROOT, 'test/fixtures/crash-graft.protocol.json'), 'utf8'),
    ) as object;
    const submitted = await request(api.app.getHttpServer())
      .post('/api/runs')
      .set({ authorization: `Bearer ${api.tokens.scientist}` })
      .send({ protocol, idempotencyKey: 'resume-per-step' });
    expect(submitted.status).toBe(201);
    const runId = submitted.body.id as string;
    const [link] = await api.db.select().from(runSamples).where(eq(runSamples.runId, runId));
    const [film] = await api.db.select().from(samples).where(eq(samples.id, link.sampleId));
    // As a worker leaves it when cut off mid-step: waiting for a person, two steps uncertain.
    await api.db
      .update(runs)
      .set({ state: 'waiting-operator', stateReason: 'lease lost' })
      .where(eq(runs.id, runId));
    const move = `to-irradiator/move/${film.id}/1`;
    await api.db.insert(stepJournal).values([
      {
        runId,
        stepKey: move,
        attempt: 1,
        state: 'uncertain',
        commandId: `${runId}-move`,
        deviceId: 'robot-1',
        sampleId: film.id,
        request: { from: film.currentLocation, to: 'irradiator-1/p1' },
      },
      {
        runId,
        stepKey: 'irradiate',
        attempt: 1,
        state: 'uncertain',
        commandId: `${runId}-irradiate`,
        deviceId: 'irradiator-1',
        request: { doseKGy: 5 },
      },
    ]);
    const resume = (body: object) =>
      request(api.app.getHttpServer()).post(`/api/runs/${runId}/resume`).set(auth()).send(body);
    const journalStates = async () =>
      (await api.db.select().from(stepJournal).where(eq(stepJournal.runId, runId)))
        .map((r) => `${r.stepKey}:${r.state}`)
        .sort();

    const typo = await resume({ resolutions: { [move]: 'done', irradiat: 'redo' } });
    expect(typo.status).toBe(422);
    expect(typo.body.pointer).toBe('/resolutions/irradiat');
    expect(typo.body.message).toMatch(/not uncertain.*expected one of: .*irradiate/);
    const missing = await resume({ resolutions: { [move]: 'done' } });
    expect(missing.status).toBe(409);
    expect(missing.body.message).toMatch(/uncertain step\(s\) irradiate/);
    expect(await journalStates()).toEqual([`irradiate:uncertain`, `${move}:uncertain`]);

    const ok = await resume({ resolutions: { [move]: 'done', irradiate: 'redo' } });
    expect(ok.status).toBe(202);
    const rows = await api.db.select().from(stepJournal).where(eq(stepJournal.runId, runId));
    expect(
      rows.map((r) => [r.stepKey, r.state, (r.readBack as { resolution?: string }).resolution]).sort(),
    ).toEqual([
      ['irradiate', 'settled', 'redo'],
      [move, 'settled', 'done'],
    ]);
    // The move a person saw happen moved the film's record with it.
    const [after] = await api.db.select().from(samples).where(eq(samples.id, film.id));
    expect(after.currentLocation).toBe('irradiator-1/p1');
    const [run] = await api.db.select().from(runs).where(eq(runs.id, runId));
    expect(run.state).toBe('queued');
  });
});
