import { sql } from 'drizzle-orm';
import { InvalidTransitionError } from '../db.errors';
import type { GraftlabDb } from '../db.types';
import { stepJournal } from '../schema';
import { seedBasics, seedRun } from '../testing/seed';
import { DB_ENGINES, openScratchDatabase } from '../testing/scratch-database';
import type { ProtocolVersion } from './protocols.repository';
import { AuditRepository } from './audit.repository';
import { CampaignsRepository } from './campaigns.repository';
import { DoseLedgerRepository } from './dose-ledger.repository';
import { commandIdFor, JournalRepository } from './journal.repository';
import { LeasesRepository } from './leases.repository';
import { ReadingsRepository } from './readings.repository';
import { ProtocolsRepository } from './protocols.repository';
import { resultIdFor, ResultsRepository } from './results.repository';
import { RunsRepository } from './runs.repository';
import { SamplesRepository } from './samples.repository';
import { TokensRepository } from './tokens.repository';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DB_ENGINES)('repositories on %s', (engine) => {
  let db: GraftlabDb;
  let protocol: ProtocolVersion;
  beforeAll(async () => {
    db = await openScratchDatabase(engine);
    ({ protocol } = await seedBasics(db));
  });
  afterAll(async () => {
    await db.close();
  });

  describe('protocols', () => {
    it('returns the same version for identical content and a new one for changed content', async () => {
      const repo = new ProtocolsRepository(db);
      const again = await repo.saveVersion({
        protocolId: 'graft-basic',
        document: { steps: ['irradiate', 'graft', 'wash', 'weigh'] },
      });
      expect(again.version).toBe(protocol.version);
      const next = await repo.saveVersion({ protocolId: 'graft-basic', document: { steps: ['irradiate'] } });
      expect(next.version).toBe(protocol.version + 1);
      expect(next.contentHash).not.toBe(protocol.contentHash);
    });
  });

  describe('samples', () => {
    it('moves a sample and keeps every move in its history', async () => {
      const repo = new SamplesRepository(db);
      const s = await repo.register({ barcode: 'S-MOVE', basePolymerId: 'ETFE', location: 'rack-A' });
      await repo.move(s.id, 'irradiator', { actor: 'robot-1' });
      const moved = await repo.move(s.id, 'freezer-1', { actor: 'robot-1', reason: 'storage' });
      expect(moved.currentLocation).toBe('freezer-1');
      const history = await repo.history(s.id);
      expect(history.map((h) => [h.kind, h.fromLocation, h.toLocation])).toEqual([
        ['registered', null, 'rack-A'],
        ['moved', 'rack-A', 'irradiator'],
        ['moved', 'irradiator', 'freezer-1'],
      ]);
      expect((await repo.byBarcode('S-MOVE'))?.id).toBe(s.id);
    });

    it('refuses to move an unknown sample', async () => {
      await expect(new SamplesRepository(db).move('nope', 'x')).rejects.toThrow(/sample nope not found/);
    });
  });

  describe('runs', () => {
    it('creates idempotently by key: the second create returns the first run', async () => {
      const first = await seedRun(db, protocol, { idempotencyKey: 'key-1' });
      const repo = new RunsRepository(db);
      const second = await repo.create({
        protocolId: protocol.protocolId,
        protocolVersion: protocol.version,
        protocolHash: protocol.contentHash,
        parameterValues: { doseKGy: 99 },
        idempotencyKey: 'key-1',
      });
      expect(second.created).toBe(false);
      expect(second.run.id).toBe(first.run.id);
      expect(second.run.parameterValues).toEqual({ doseKGy: 20, temperatureC: 60 });
      const [{ n }] = (
        (await db.execute(
          sql`select count(*) as n from runs where idempotency_key = 'key-1'`,
        )) as unknown as {
          rows: { n: string | number }[];
        }
      ).rows;
      expect(Number(n)).toBe(1);
    });

    it('creates concurrently with one key exactly once', async () => {
      const repo = new RunsRepository(db);
      const make = () =>
        repo.create({
          protocolId: protocol.protocolId,
          protocolVersion: protocol.version,
          protocolHash: protocol.contentHash,
          idempotencyKey: 'key-race',
        });
      const outcomes = await Promise.all([make(), make(), make()]);
      expect(new Set(outcomes.map((o) => o.run.id)).size).toBe(1);
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    });

    it('moves through allowed states and stamps start and finish', async () => {
      const { run } = await seedRun(db, protocol);
      const repo = new RunsRepository(db);
      const running = await repo.transition(run.id, 'queued', 'running', { station: 'reactor-1' });
      expect(running.startedAt).toBeInstanceOf(Date);
      expect(running.station).toBe('reactor-1');
      await repo.transition(run.id, 'running', 'paused', { reason: 'operator pause' });
      await repo.transition(run.id, 'paused', 'running');
      const done = await repo.transition(run.id, 'running', 'completed');
      expect(done.state).toBe('completed');
      expect(done.finishedAt).toBeInstanceOf(Date);
    });

    it('refuses invalid transitions and changes nothing', async () => {
      const { run } = await seedRun(db, protocol);
      const repo = new RunsRepository(db);
      await repo.transition(run.id, 'queued', 'running');
      await repo.transition(run.id, 'running', 'completed');
      await expect(repo.transition(run.id, 'completed', 'running')).rejects.toThrow(InvalidTransitionError);
      // Stale expectation: the run is completed, not paused.
      await expect(repo.transition(run.id, 'paused', 'running')).rejects.toThrow(/is completed, not paused/);
      expect((await repo.get(run.id))?.state).toBe('completed');
      await expect(repo.transition('missing', 'queued', 'running')).rejects.toThrow(/not found/);
    });

    it('lets only one of two racing transitions from the same state win', async () => {
      const { run } = await seedRun(db, protocol);
      const repo = new RunsRepository(db);
      const outcomes = await Promise.allSettled([
        repo.transition(run.id, 'queued', 'running'),
        repo.transition(run.id, 'queued', 'aborted'),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    });
  });

  describe('journal', () => {
    it('records each transition atomically with an append-only history and a stable command id', async () => {
      const { run, samples } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const base = { runId: run.id, stepKey: 'irradiate', attempt: 1 };
      await journal.record({ ...base, to: 'planned' });
      await journal.record({
        ...base,
        to: 'intent-recorded',
        expectedFrom: 'planned',
        sampleId: samples[0].id,
      });
      const dispatched = await journal.record({
        ...base,
        to: 'dispatched',
        deviceId: 'irradiator-1',
        request: { doseKGy: 20 },
      });
      expect(dispatched.commandId).toBe(commandIdFor(run.id, 'irradiate', 1));
      expect(dispatched.dispatchedAt).toBeInstanceOf(Date);
      await journal.record({ ...base, to: 'acknowledged' });
      const confirmed = await journal.record({ ...base, to: 'confirmed', readBack: { exposureMs: 3600000 } });
      expect(confirmed.readBack).toEqual({ exposureMs: 3600000 });
      expect(confirmed.request).toEqual({ doseKGy: 20 });
      const history = await journal.transitions(run.id, 'irradiate');
      expect(history.map((h) => [h.fromState, h.toState])).toEqual([
        [null, 'planned'],
        ['planned', 'intent-recorded'],
        ['intent-recorded', 'dispatched'],
        ['dispatched', 'acknowledged'],
        ['acknowledged', 'confirmed'],
      ]);
      expect(new Set(history.map((h) => h.commandId))).toEqual(new Set([dispatched.commandId]));
      expect(commandIdFor(run.id, 'irradiate', 2)).not.toBe(dispatched.commandId);
    });

    it('refuses invalid moves, stale expectations and leaves no partial write', async () => {
      const { run } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const base = { runId: run.id, stepKey: 'dispense', attempt: 1 };
      await expect(journal.record({ ...base, to: 'dispatched' })).rejects.toThrow(InvalidTransitionError);
      await journal.record({ ...base, to: 'planned' });
      await expect(journal.record({ ...base, to: 'confirmed' })).rejects.toThrow(/planned → confirmed/);
      await expect(
        journal.record({ ...base, to: 'intent-recorded', expectedFrom: 'dispatched' }),
      ).rejects.toThrow(/is planned, not dispatched/);
      expect((await journal.transitions(run.id, 'dispense')).map((t) => t.toState)).toEqual(['planned']);
      expect((await journal.forRun(run.id)).map((s) => s.state)).toEqual(['planned']);
    });

    it('rolls back the current-row update when appending the transition fails', async () => {
      const { run } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const base = { runId: run.id, stepKey: 'purge', attempt: 1 };
      await journal.record({ ...base, to: 'planned' });
      // Make the history insert fail after the current-row update has run inside the transaction.
      await db.execute(sql`create function refuse_transition() returns trigger language plpgsql as $$
        begin raise exception 'history refused'; end $$`);
      await db.execute(sql`create trigger refuse before insert on step_journal_transitions
        for each row execute function refuse_transition()`);
      try {
        await expect(journal.record({ ...base, to: 'intent-recorded' })).rejects.toThrow();
      } finally {
        await db.execute(sql`drop trigger refuse on step_journal_transitions`);
        await db.execute(sql`drop function refuse_transition`);
      }
      const [row] = await journal.forRun(run.id);
      expect(row.state).toBe('planned');
      expect(await journal.transitions(run.id, 'purge')).toHaveLength(1);
    });

    it('finds steps left in flight for reconciliation', async () => {
      const { run } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const step = async (stepKey: string, states: Parameters<JournalRepository['record']>[0]['to'][]) => {
        for (const to of states) await journal.record({ runId: run.id, stepKey, attempt: 1, to });
      };
      await step('a-confirmed', ['planned', 'intent-recorded', 'dispatched', 'confirmed']);
      await step('b-dispatched', ['planned', 'intent-recorded', 'dispatched']);
      await step('c-uncertain', ['planned', 'intent-recorded', 'dispatched', 'uncertain']);
      await step('d-intent', ['planned', 'intent-recorded']);
      await step('e-planned', ['planned']);
      await step('f-settled', ['planned', 'intent-recorded', 'dispatched', 'uncertain', 'settled']);
      const open = await journal.findUnsettled(run.id);
      expect(open.map((s) => [s.stepKey, s.state])).toEqual([
        ['b-dispatched', 'dispatched'],
        ['c-uncertain', 'uncertain'],
        ['d-intent', 'intent-recorded'],
      ]);
      expect((await journal.findUnsettled()).length).toBeGreaterThanOrEqual(3);
      await journal.record({
        runId: run.id,
        stepKey: 'c-uncertain',
        attempt: 1,
        to: 'settled',
        settlement: 'resume-remaining',
      });
      expect((await journal.findUnsettled(run.id)).map((s) => s.stepKey)).toEqual([
        'b-dispatched',
        'd-intent',
      ]);
    });

    it("writes a film's new place in the same commit as the move's confirmation, or neither", async () => {
      const { run, samples } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const key = 'to-irradiator/move/x';
      const move = (sampleId: string) =>
        journal.recordAll([
          {
            runId: run.id,
            stepKey: key,
            attempt: 1,
            to: 'intent-recorded',
            request: { to: 'irradiator-1/p1' },
          },
          { runId: run.id, stepKey: key, attempt: 1, to: 'dispatched' },
          {
            runId: run.id,
            stepKey: key,
            attempt: 1,
            to: 'confirmed',
            sampleMove: { sampleId, to: 'irradiator-1/p1', reason: 'step to-irradiator' },
          },
        ]);
      // An unknown film: the confirmation is not written either.
      await expect(move('no-such-film')).rejects.toThrow(/not found/);
      expect(await journal.forRun(run.id)).toEqual([]);
      await move(samples[0].id);
      expect((await new SamplesRepository(db).get(samples[0].id))?.currentLocation).toBe('irradiator-1/p1');
      expect((await journal.forRun(run.id)).map((r) => r.state)).toEqual(['confirmed']);
    });

    it("confirms a move with the film's new place in one statement, or writes nothing for an unknown film", async () => {
      const { run, samples } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const key = 'to-vessel/move/x';
      const base = { runId: run.id, stepKey: key, attempt: 1 };
      await journal.dispatch({
        ...base,
        deviceId: 'robot-1',
        request: { to: 'reactor-1/vessel' },
        settlement: 'retry-safe',
      });
      const from = (await new SamplesRepository(db).get(samples[0].id))?.currentLocation;
      const confirm = (sampleId: string) =>
        journal.confirm({
          ...base,
          readBack: { to: 'reactor-1/vessel' },
          sampleMove: { sampleId, to: 'reactor-1/vessel', actor: 'worker-1/run', reason: 'step to-vessel' },
        });
      await expect(confirm('no-such-film')).rejects.toThrow(/not found/);
      expect((await journal.forRun(run.id)).map((r) => r.state)).toEqual(['dispatched']);
      const confirmed = await confirm(samples[0].id);
      expect(confirmed).toMatchObject({ state: 'confirmed', readBack: { to: 'reactor-1/vessel' } });
      expect((await new SamplesRepository(db).get(samples[0].id))?.currentLocation).toBe('reactor-1/vessel');
      const moves = (await new SamplesRepository(db).history(samples[0].id)).filter(
        (e) => e.kind === 'moved',
      );
      expect(moves.at(-1)).toMatchObject({
        fromLocation: from,
        toLocation: 'reactor-1/vessel',
        actor: 'worker-1/run',
        runId: run.id,
        detail: { reason: 'step to-vessel' },
      });
      expect((await journal.transitions(run.id, key)).map((t) => t.toState)).toEqual([
        'intent-recorded',
        'dispatched',
        'confirmed',
      ]);
      // Confirmed once: a second confirmation moves nothing.
      await expect(confirm(samples[0].id)).rejects.toThrow(/confirmed/);
      expect(
        (await new SamplesRepository(db).history(samples[0].id)).filter((e) => e.kind === 'moved'),
      ).toHaveLength(moves.length);
    });

    it("confirms a step and dispatches the next in one statement: the two calls' rows, history and refusals", async () => {
      const { run } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const readings = new ReadingsRepository(db);
      const at = (stepKey: string) => ({ runId: run.id, stepKey, attempt: 1 });
      const dispatchOf = (stepKey: string) => ({
        ...at(stepKey),
        deviceId: 'pump-1',
        request: { volumeMl: 1 },
        settlement: 'ask-operator' as const,
        readings: [{ deviceId: 'pump-1', runId: run.id, stepKey, name: 'monomer-contact', value: 0 }],
      });
      const confirmationOf = (stepKey: string) => ({
        ...at(stepKey),
        readBack: { deliveredMl: 1 },
        readings: [
          { deviceId: 'pump-1', runId: run.id, stepKey, name: 'dispensed-volume', value: 1, unit: 'mL' },
        ],
      });
      await journal.dispatch(dispatchOf('d0'));
      const next = await journal.confirmAndDispatch(confirmationOf('d0'), dispatchOf('d1'));
      expect(next).toMatchObject({
        stepKey: 'd1',
        state: 'dispatched',
        commandId: commandIdFor(run.id, 'd1', 1),
      });
      expect((await journal.forRun(run.id)).map((r) => [r.stepKey, r.state, r.readBack])).toEqual([
        ['d0', 'confirmed', { deliveredMl: 1 }],
        ['d1', 'dispatched', null],
      ]);
      for (const key of ['d0', 'd1'])
        expect((await journal.transitions(run.id, key)).map((t) => t.toState)).toEqual(
          key === 'd0' ? ['intent-recorded', 'dispatched', 'confirmed'] : ['intent-recorded', 'dispatched'],
        );
      expect((await readings.forRun(run.id)).map((r) => `${r.stepKey} ${r.name}`).sort()).toEqual([
        'd0 dispensed-volume',
        'd0 monomer-contact',
        'd1 monomer-contact',
      ]);
      // A refused confirmation (d0 is confirmed already) writes nothing: d2 is not dispatched.
      await expect(journal.confirmAndDispatch(confirmationOf('d0'), dispatchOf('d2'))).rejects.toThrow(
        InvalidTransitionError,
      );
      expect((await journal.forRun(run.id)).map((r) => r.stepKey)).toEqual(['d0', 'd1']);
      // An attempt dispatched already: the confirmation is written, the dispatch refused.
      await expect(journal.confirmAndDispatch(confirmationOf('d1'), dispatchOf('d0'))).rejects.toThrow(
        /exists/,
      );
      expect((await journal.forRun(run.id)).map((r) => [r.stepKey, r.state])).toEqual([
        ['d0', 'confirmed'],
        ['d1', 'confirmed'],
      ]);
      expect(await readings.forRun(run.id)).toHaveLength(4);
    });

    it('dispatches and confirms in one statement each: the same rows, history and readings as step by step', async () => {
      const { run, samples } = await seedRun(db, protocol);
      const journal = new JournalRepository(db);
      const readings = new ReadingsRepository(db);
      const base = { runId: run.id, stepKey: 'dispense', attempt: 1 };
      const contact = new Date('2026-12-01T10:00:00.000Z');
      const dispatched = await journal.dispatch({
        ...base,
        deviceId: 'pump-1',
        sampleId: samples[0].id,
        request: { volumeMl: 40, countersBefore: { infusedMl: 2.5 } },
        settlement: 'ask-operator',
        readings: [
          {
            deviceId: 'pump-1',
            runId: run.id,
            stepKey: 'dispense',
            sampleId: samples[0].id,
            name: 'monomer-contact',
            value: 0,
            deviceTimestamp: contact,
          },
        ],
      });
      expect(dispatched).toMatchObject({
        state: 'dispatched',
        commandId: commandIdFor(run.id, 'dispense', 1),
        deviceId: 'pump-1',
        settlement: 'ask-operator',
      });
      expect(dispatched.request).toEqual({ volumeMl: 40, countersBefore: { infusedMl: 2.5 } });
      expect(dispatched.dispatchedAt).toBeInstanceOf(Date);
      expect(typeof dispatched.id).toBe('number');
      // A second dispatch of the same attempt is refused and writes nothing.
      await expect(journal.dispatch({ ...base, request: {}, settlement: 'ask-operator' })).rejects.toThrow(
        InvalidTransitionError,
      );
      const confirmed = await journal.confirm({
        ...base,
        readBack: { deliveredMl: 40 },
        readings: [
          {
            deviceId: 'pump-1',
            runId: run.id,
            stepKey: 'dispense',
            sampleId: samples[0].id,
            name: 'dispensed-volume',
            value: 40,
            unit: 'mL',
          },
        ],
      });
      expect(confirmed).toMatchObject({ state: 'confirmed', readBack: { deliveredMl: 40 } });
      expect(confirmed.finishedAt).toBeInstanceOf(Date);
      // A confirmed step is final: a second confirmation is refused and adds no reading.
      await expect(
        journal.confirm({
          ...base,
          readBack: { deliveredMl: 41 },
          readings: [{ deviceId: 'pump-1', name: 'dispensed-volume', value: 41 }],
        }),
      ).rejects.toThrow(/confirmed/);
      await expect(journal.confirm({ ...base, attempt: 9, readBack: {} })).rejects.toThrow(
        InvalidTransitionError,
      );
      const history = await journal.transitions(run.id, 'dispense');
      expect(history.map((h) => [h.fromState, h.toState])).toEqual([
        [null, 'intent-recorded'],
        ['intent-recorded', 'dispatched'],
        ['dispatched', 'confirmed'],
      ]);
      expect(history[0].detail).toMatchObject({
        deviceId: 'pump-1',
        settlement: 'ask-operator',
        request: { volumeMl: 40 },
      });
      const [row] = await journal.forRun(run.id);
      expect(row).toEqual(confirmed);
      const taken = await readings.forRun(run.id, 'dispense');
      expect(taken.map((r) => [r.name, r.value, r.unit])).toEqual([
        ['monomer-contact', 0, null],
        ['dispensed-volume', 40, 'mL'],
      ]);
      expect(taken[0].deviceTimestamp?.toISOString()).toBe(contact.toISOString());
    });

    it('keeps one row per (run, step, attempt)', async () => {
      const { run } = await seedRun(db, protocol);
      await new JournalRepository(db).record({ runId: run.id, stepKey: 'x', attempt: 1, to: 'planned' });
      await expect(
        db
          .insert(stepJournal)
          .values({ runId: run.id, stepKey: 'x', attempt: 1, state: 'planned', commandId: 'other' }),
      ).rejects.toThrow();
    });
  });

  describe('dose ledger', () => {
    it('sums delivered dose across partial exposures and counts a replayed command once', async () => {
      const { run, samples } = await seedRun(db, protocol);
      const ledger = new DoseLedgerRepository(db);
      const sampleId = samples[0].id;
      expect(await ledger.deliveredDose(sampleId)).toBe(0);
      const entry = {
        sampleId,
        runId: run.id,
        stepKey: 'irradiate',
        plannedKGy: 20,
        doseRateKGyPerH: 10,
        position: 'P3',
        calibrationId: 'cal-2024-01',
      };
      expect(
        await ledger.append({
          ...entry,
          commandId: commandIdFor(run.id, 'irradiate', 1),
          deliveredKGy: 12.5,
          actualExposureMs: 4.5e6,
        }),
      ).toBe(true);
      expect(
        await ledger.append({
          ...entry,
          commandId: commandIdFor(run.id, 'irradiate', 1),
          deliveredKGy: 12.5,
          actualExposureMs: 4.5e6,
        }),
      ).toBe(false);
      await ledger.append({
        ...entry,
        commandId: commandIdFor(run.id, 'irradiate', 2),
        plannedKGy: 7.5,
        deliveredKGy: 7.5,
      });
      expect(await ledger.deliveredDose(sampleId)).toBeCloseTo(20, 10);
      expect(await ledger.forSample(sampleId)).toHaveLength(2);
    });
  });

  describe('results and outbox', () => {
    it('writes results and outbox rows together; a replay duplicates nothing', async () => {
      const { run, samples } = await seedRun(db, protocol, { samples: 2 });
      const repo = new ResultsRepository(db);
      const items = samples.map((s, i) => ({
        sampleId: s.id,
        name: 'degreeOfGrafting',
        value: 40 + i,
        unit: '%',
        uncertainty: 0.8,
        manifestHash: 'm'.repeat(64),
      }));
      const first = await repo.recordResults(run.id, items);
      expect(first.inserted).toBe(2);
      const replay = await repo.recordResults(
        run.id,
        items.map((r) => ({ ...r, value: 99 })),
      );
      expect(replay.inserted).toBe(0);
      expect(replay.ids).toEqual(first.ids);
      expect(first.ids[0]).toBe(resultIdFor(run.id, samples[0].id, 'degreeOfGrafting'));
      const stored = await repo.forRun(run.id);
      expect(stored.map((r) => r.value).sort()).toEqual([40, 41]);
      const pending = (await repo.pendingOutbox(1000)).filter((o) => first.ids.includes(o.id));
      expect(pending).toHaveLength(2);
      expect(pending[0].payload).toMatchObject({ runId: run.id, name: 'degreeOfGrafting' });
      await repo.markDelivered(first.ids);
      await repo.markDelivered(first.ids);
      expect((await repo.pendingOutbox(1000)).filter((o) => first.ids.includes(o.id))).toHaveLength(0);
    });

    it('writes nothing when one result of the batch is invalid', async () => {
      const { run, samples } = await seedRun(db, protocol);
      const repo = new ResultsRepository(db);
      await expect(
        repo.recordResults(run.id, [
          { sampleId: samples[0].id, name: 'ok', value: 1 },
          { sampleId: 'no-such-sample', name: 'bad', value: 2 },
        ]),
      ).rejects.toThrow();
      expect(await repo.forRun(run.id)).toHaveLength(0);
    });
  });

  describe('campaigns and suggestions', () => {
    it('tracks suggestions from proposal to a completed run', async () => {
      const repo = new CampaignsRepository(db);
      const campaign = await repo.create({
        protocolId: 'graft-basic',
        space: { doseKGy: { min: 5, max: 50 } },
        objective: { maximize: 'degreeOfGrafting' },
        budget: 10,
        batchSize: 2,
        optimizerKind: 'gp-ei',
      });
      expect(campaign.state).toBe('draft');
      await repo.setState(campaign.id, 'active');
      const [a, b] = await repo.addSuggestions(campaign.id, 1, [
        { params: { doseKGy: 10 }, modelVersion: 'gp-1', acquisitionValue: 0.3 },
        { params: { doseKGy: 40 }, modelVersion: 'gp-1', acquisitionValue: 0.2 },
      ]);
      const approved = await repo.transitionSuggestion(a.id, 'proposed', 'approved', { by: 'alice' });
      expect(approved.approvedBy).toBe('alice');
      expect(approved.approvedAt).toBeInstanceOf(Date);
      await repo.transitionSuggestion(b.id, 'proposed', 'rejected', { by: 'alice', reason: 'dose too high' });
      const { run } = await seedRun(db, protocol, { campaignId: campaign.id, suggestionId: a.id });
      await repo.transitionSuggestion(a.id, 'approved', 'queued', { runId: run.id });
      await repo.transitionSuggestion(a.id, 'queued', 'completed');
      await expect(repo.transitionSuggestion(b.id, 'rejected', 'queued')).rejects.toThrow(
        InvalidTransitionError,
      );
      expect((await repo.suggestions(campaign.id, 'completed')).map((s) => s.runId)).toEqual([run.id]);
    });
  });

  describe('audit log', () => {
    it('chains entries and names the first edited one', async () => {
      const audit = new AuditRepository(db);
      for (let i = 0; i < 5; i++) {
        await audit.append({
          actor: 'alice',
          role: 'scientist',
          action: 'protocol.approve',
          target: `graft-basic@${i}`,
          before: { approved: false },
          after: { approved: true, n: i },
        });
      }
      expect(await audit.verifyAuditChain()).toEqual({ ok: true, entries: 5 });
      expect(await audit.verifyAuditChain(2)).toEqual({ ok: true, entries: 5 });
      await db.execute(sql`update audit_log set reason = 'rewritten' where seq = 3`);
      expect(await audit.verifyAuditChain()).toEqual({
        ok: false,
        firstBrokenSeq: 3,
        reason: expect.stringContaining('edited'),
      });
      await db.execute(sql`update audit_log set reason = null where seq = 3`);
      expect((await audit.verifyAuditChain()).ok).toBe(true);
      await db.execute(sql`update audit_log set after = '{"approved": true, "n": 40}'::jsonb where seq = 4`);
      expect(await audit.verifyAuditChain()).toMatchObject({ ok: false, firstBrokenSeq: 4 });
      await db.execute(sql`update audit_log set after = '{"n": 3, "approved": true}'::jsonb where seq = 4`);
      await db.execute(sql`delete from audit_log where seq = 2`);
      expect(await audit.verifyAuditChain()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    });

    it('never forks the chain under concurrent appends', async () => {
      const fresh = await openScratchDatabase(engine);
      try {
        const audit = new AuditRepository(fresh);
        await Promise.all(
          Array.from({ length: 8 }, (_, i) => audit.append({ actor: `w${i}`, action: 'ping' })),
        );
        expect(await audit.verifyAuditChain()).toEqual({ ok: true, entries: 8 });
      } finally {
        await fresh.close();
      }
    });
  });

  describe('api tokens', () => {
    it('returns the plaintext once, stores only its sha256, authenticates until revoked', async () => {
      const repo = new TokensRepository(db);
      const { id, token } = await repo.create({ name: 'ci', role: 'operator' });
      expect(token).toMatch(/^glt_[A-Za-z0-9_-]{43}$/);
      const stored = (
        (await db.execute(sql`select token_sha256 from api_tokens where id = ${id}`)) as unknown as {
          rows: { token_sha256: string }[];
        }
      ).rows[0].token_sha256;
      expect(stored).toMatch(/^[0-9a-f]{64}$/);
      expect(stored).not.toContain(token.slice(4));
      expect(await repo.authenticate(token)).toEqual({ id, role: 'operator', name: 'ci' });
      expect(await repo.authenticate(token + 'x')).toBeUndefined();
      expect(await repo.authenticate('nonsense')).toBeUndefined();
      expect(await repo.revoke(id)).toBe(true);
      expect(await repo.authenticate(token)).toBeUndefined();
    });
  });

  describe('leases', () => {
    it('is exclusive until expiry, then taken over; renew and release check the holder', async () => {
      const repo = new LeasesRepository(db);
      const mine = await repo.acquire('irradiator-1', 'worker-a', 300, 'run-a');
      expect(mine?.holder).toBe('worker-a');
      expect(await repo.acquire('irradiator-1', 'worker-b', 10_000)).toBeUndefined();
      // Re-acquiring as the holder renews.
      expect((await repo.acquire('irradiator-1', 'worker-a', 300))?.holder).toBe('worker-a');
      expect(await repo.renew('irradiator-1', 'worker-b', 300)).toBeUndefined();
      expect(await repo.renew('irradiator-1', 'worker-a', 150)).toBeDefined();
      expect(await repo.expired()).toEqual([]);
      await sleep(250);
      expect((await repo.expired()).map((l) => l.resource)).toEqual(['irradiator-1']);
      expect(await repo.renew('irradiator-1', 'worker-a', 300)).toBeUndefined();
      const taken = await repo.acquire('irradiator-1', 'worker-b', 10_000, 'run-b');
      expect(taken).toMatchObject({ holder: 'worker-b', runId: 'run-b' });
      expect(await repo.release('irradiator-1', 'worker-a')).toBe(false);
      expect(await repo.release('irradiator-1', 'worker-b')).toBe(true);
      expect(await repo.get('irradiator-1')).toBeUndefined();
    });

    it('gives a contested free lease to exactly one of many racing holders', async () => {
      const repo = new LeasesRepository(db);
      const got = await Promise.all(
        Array.from({ length: 6 }, (_, i) => repo.acquire('balance-1', `w${i}`, 10_000)),
      );
      expect(got.filter(Boolean)).toHaveLength(1);
    });
  });
});
