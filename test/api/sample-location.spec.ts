import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { auditLog, runSamples, runs, samples, SamplesRepository, stepJournal } from '@graftlab/db';
import { ROOT, startApiApp, type ApiApp } from './support/api-app';

/**
 * A run aborted while a move of its film was in doubt leaves the film possibly in the irradiator: it pins the
 * irradiator (no other run exposes there) until a person says where the film lies. That answer moves the record,
 * settles the doubtful move and is audited, in one commit; a location not in the inventory is refused with its
 * pointer, and a film whose run is running is refused (the run moves it itself).
 */
describe('a person says where a film lies', () => {
  let api: ApiApp;
  const as = (role: 'operator' | 'scientist') => ({ authorization: `Bearer ${api.tokens[role]}` });

  beforeAll(async () => {
    api = await startApiApp();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('unpins an instrument held by an ended run’s doubtful move, and refuses what it cannot know', async () => {
    const protocol = JSON.parse(
      readFileSync(path.join(ROOT, 'test/fixtures/crash-graft.protocol.json'), 'utf8'),
    ) as object;
    const submitted = await request(api.app.getHttpServer())
      .post('/api/runs')
      .set(as('scientist'))
      .send({ protocol, idempotencyKey: 'locate-film' });
    expect(submitted.status).toBe(201);
    const runId = submitted.body.id as string;
    const [{ sampleId }] = await api.db.select().from(runSamples).where(eq(runSamples.runId, runId));
    await api.db.update(runs).set({ state: 'running' }).where(eq(runs.id, runId));
    await api.db.insert(stepJournal).values({
      runId,
      stepKey: `to-irradiator/move/${sampleId}/irradiator-1/p1`,
      attempt: 1,
      state: 'uncertain',
      commandId: `${runId}-move`,
      deviceId: 'robot-1',
      sampleId,
      request: { from: 'rack-a', to: 'irradiator-1/p1' },
    });
    const locate = (body: object) =>
      request(api.app.getHttpServer())
        .post(`/api/samples/${sampleId}/location`)
        .set(as('operator'))
        .send(body);

    const whileRunning = await locate({ location: 'rack-a', reason: 'found it on the rack' });
    expect(whileRunning.status).toBe(409);
    expect(whileRunning.body.message).toMatch(/is running: pause it first/);

    await api.db
      .update(runs)
      .set({ state: 'aborted', stateReason: 'operator: partial effect' })
      .where(eq(runs.id, runId));
    // Aborted with the move in doubt: the film may lie in the irradiator, so it pins it for every other run.
    const pinning = await new SamplesRepository(api.db).othersAt(
      ['irradiator-1/p1', 'irradiator-1/p2'],
      [],
      'another-run',
    );
    expect(pinning).toEqual([{ id: sampleId, location: 'on its way to irradiator-1/p1', runStates: [] }]);

    const unknown = await locate({ location: 'irradiator-9/p1', reason: 'took it out' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.pointer).toBe('/location');
    expect(unknown.body.message).toMatch(/unknown location "irradiator-9\/p1"; expected one of: rack-a/);
    expect((await api.db.select().from(samples).where(eq(samples.id, sampleId)))[0].currentLocation).toBe(
      'rack-a',
    );

    const ok = await locate({ location: 'rack-a', reason: 'took the film out of irradiator-1/p1' });
    expect(ok.status).toBe(201);
    expect(ok.body.settled).toEqual([`${runId}/to-irradiator/move/${sampleId}/irradiator-1/p1#1`]);
    const [move] = await api.db.select().from(stepJournal).where(eq(stepJournal.runId, runId));
    expect(move.state).toBe('settled');
    expect(move.readBack).toMatchObject({ byOperator: true, located: 'rack-a' });
    expect(
      await new SamplesRepository(api.db).othersAt(['irradiator-1/p1', 'irradiator-1/p2'], [], 'another-run'),
    ).toEqual([]);
    const audit = await api.db.select().from(auditLog).where(eq(auditLog.action, 'sample.locate'));
    expect(audit).toHaveLength(1);
    expect(audit[0].target).toBe(`sample:${sampleId}`);
  });
});
