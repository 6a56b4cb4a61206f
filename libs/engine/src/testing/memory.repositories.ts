import {
  commandIdFor,
  InvalidTransitionError,
  RUN_TRANSITIONS,
  STEP_TRANSITIONS,
  TERMINAL_RUN_STATES,
  UNSETTLED_STEP_STATES,
  type Confirmation,
  type Dispatch,
  type DoseRecord,
  type ForeignSample,
  type JournalEntry,
  type NewDoseRecord,
  type NewReading,
  type ProtocolVersion,
  type RunMeasurementInput,
  type Run,
  type RunState,
  type Sample,
  type SampleStatus,
  type StepTransition,
} from '@graftlab/db';
import type { EngineRepositories } from '../engine.repositories';

/**
 * The engine's repositories in memory, with the database's rules that the engine relies on (run and step state
 * machines, one journal row per attempt, a dose-ledger row written once per command id): for unit tests of the
 * engine, the reconciler and the steps without a database. The repository tests hold the SQL to the same rules.
 */
export class MemoryRepositories implements EngineRepositories {
  readonly runRows = new Map<string, Run>();
  readonly runSamples = new Map<string, string[]>();
  readonly journalRows: JournalEntry[] = [];
  readonly transitions: { stepKey: string; attempt: number; from: string | null; to: string }[] = [];
  readonly doses: DoseRecord[] = [];
  readonly readingRows: NewReading[] = [];
  readonly sampleRows = new Map<string, Sample>();
  readonly storage: { id: string; location?: string; temperatureC: number }[] = [];
  readonly resultRows: { runId: string; name: string; sampleId: string; value: number }[] = [];
  readonly protocolRows: ProtocolVersion[] = [];
  private nextId = 1;
  /** Set when the simulated worker process is killed: from then on every write fails, as for a dead process. */
  private dead = false;
  private killWhen?: (write: string, detail: unknown) => boolean;

  /** Kills the simulated process at the first write the predicate matches (that write is lost too). */
  killAt(predicate: (write: string, detail: unknown) => boolean): void {
    this.killWhen = predicate;
  }

  /** The process is gone: every write from now on fails. */
  kill(): void {
    this.dead = true;
  }

  /** A new process starts on the same database. */
  revive(): void {
    this.dead = false;
    this.killWhen = undefined;
  }

  private write<T>(name: string, detail: unknown, f: () => T): Promise<T> {
    if (!this.dead && this.killWhen?.(name, detail)) this.dead = true;
    if (this.dead) return Promise.reject(new Error(`worker killed (${name} not written)`));
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** Seeds a run (queued) with its samples at a location. */
  addRun(
    run: Partial<Run> & Pick<Run, 'id' | 'protocolId' | 'protocolVersion'>,
    samples: string[],
    at = 'rack-a',
  ): void {
    this.runRows.set(run.id, {
      protocolHash: 'h',
      parameterValues: {},
      monomerId: null,
      recipeId: null,
      station: null,
      state: 'queued',
      stateReason: null,
      priority: 0,
      idempotencyKey: null,
      campaignId: null,
      suggestionId: null,
      manifestHash: null,
      plan: null,
      planHash: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      ...run,
    } as Run);
    this.runSamples.set(run.id, samples);
    for (const id of samples)
      if (!this.sampleRows.has(id))
        this.sampleRows.set(id, {
          id,
          currentLocation: at,
          status: 'registered',
          statusReason: null,
        } as Sample);
  }

  private transitionRun(id: string, from: RunState, to: RunState, detail: { reason?: string }): Run {
    const run = this.runRows.get(id);
    if (!RUN_TRANSITIONS[from].includes(to)) throw new InvalidTransitionError('run', id, from, to);
    if (!run || run.state !== from) throw new InvalidTransitionError('run', id, from, to, run?.state);
    const next: Run = {
      ...run,
      state: to,
      stateReason: detail.reason ?? null,
      ...(to === 'running' && from === 'queued' ? { startedAt: new Date() } : {}),
      ...(TERMINAL_RUN_STATES.includes(to) ? { finishedAt: new Date() } : {}),
    };
    this.runRows.set(id, next);
    return next;
  }

  readonly runs: EngineRepositories['runs'] = {
    get: (id) => Promise.resolve(this.runRows.get(id)),
    list: (filter = {}) =>
      Promise.resolve(
        [...this.runRows.values()].filter((r) => !filter.states || filter.states.includes(r.state)),
      ),
    transition: (id: string, from: RunState, to: RunState, detail: { reason?: string } = {}) =>
      this.write('run.transition', { id, from, to }, () => this.transitionRun(id, from, to, detail)),
    underWayOn: (station) =>
      Promise.resolve(
        [...this.runRows.values()].filter(
          (r) =>
            r.station === station &&
            (r.state === 'running' ||
              (r.startedAt && ['paused', 'waiting-operator', 'queued'].includes(r.state))),
        ),
      ),
    sampleIds: (runId) => Promise.resolve([...(this.runSamples.get(runId) ?? [])]),
    setManifestHash: (id, manifestHash) =>
      this.write('run.manifest', id, () => {
        const run = this.runRows.get(id);
        if (run) this.runRows.set(id, { ...run, manifestHash });
      }),
  };

  private row(runId: string, stepKey: string, attempt: number): JournalEntry | undefined {
    return this.journalRows.find((r) => r.runId === runId && r.stepKey === stepKey && r.attempt === attempt);
  }

  private apply(t: StepTransition): JournalEntry {
    const current = this.row(t.runId, t.stepKey, t.attempt);
    const label = `${t.runId}/${t.stepKey}#${t.attempt}`;
    if (t.expectedFrom !== undefined && (current?.state ?? null) !== t.expectedFrom)
      throw new InvalidTransitionError('step', label, t.expectedFrom ?? '(none)', t.to, current?.state);
    const now = new Date();
    if (!current) {
      if (t.to !== 'planned' && t.to !== 'intent-recorded')
        throw new InvalidTransitionError('step', label, '(none)', t.to);
      const row: JournalEntry = {
        id: this.nextId++,
        runId: t.runId,
        stepKey: t.stepKey,
        attempt: t.attempt,
        state: t.to,
        commandId: commandIdFor(t.runId, t.stepKey, t.attempt),
        deviceId: t.deviceId ?? null,
        sampleId: t.sampleId ?? null,
        request: t.request ?? null,
        readBack: t.readBack ?? null,
        settlement: t.settlement ?? null,
        reason: t.reason ?? null,
        createdAt: now,
        updatedAt: now,
        dispatchedAt: null,
        acknowledgedAt: null,
        finishedAt: null,
      };
      this.journalRows.push(row);
      this.transitions.push({ stepKey: t.stepKey, attempt: t.attempt, from: null, to: t.to });
      return row;
    }
    if (!STEP_TRANSITIONS[current.state].includes(t.to))
      throw new InvalidTransitionError('step', label, current.state, t.to);
    this.transitions.push({ stepKey: t.stepKey, attempt: t.attempt, from: current.state, to: t.to });
    Object.assign(current, {
      state: t.to,
      updatedAt: now,
      ...(t.to === 'dispatched' ? { dispatchedAt: now } : {}),
      ...(STEP_TRANSITIONS[t.to].length === 0 ? { finishedAt: now } : {}),
      ...(t.deviceId !== undefined ? { deviceId: t.deviceId } : {}),
      ...(t.request !== undefined ? { request: t.request } : {}),
      ...(t.readBack !== undefined ? { readBack: t.readBack } : {}),
      ...(t.reason !== undefined ? { reason: t.reason } : {}),
    });
    if (t.sampleMove) this.moveSample(t.sampleMove.sampleId, t.sampleMove.to);
    return { ...current };
  }

  private moveSample(id: string, to: string): Sample {
    const sample = this.sampleRows.get(id);
    if (!sample) throw new Error(`sample ${id} not found`);
    const moved = { ...sample, currentLocation: to };
    this.sampleRows.set(id, moved);
    return moved;
  }

  readonly journal: EngineRepositories['journal'] = {
    forRun: (runId) =>
      Promise.resolve(this.journalRows.filter((r) => r.runId === runId).map((r) => ({ ...r }))),
    record: (t) => this.write('journal.record', t, () => this.apply(t)),
    recordAll: (ts) => this.write('journal.recordAll', ts, () => ts.map((t) => this.apply(t)).at(-1)!),
    dispatch: (d: Dispatch) =>
      this.write('journal.dispatch', d, () => {
        if (this.row(d.runId, d.stepKey, d.attempt))
          throw new InvalidTransitionError(
            'step',
            `${d.runId}/${d.stepKey}#${d.attempt}`,
            '(exists)',
            'dispatched',
          );
        this.apply({ ...d, to: 'intent-recorded' });
        this.readingRows.push(...(d.readings ?? []));
        return this.apply({ runId: d.runId, stepKey: d.stepKey, attempt: d.attempt, to: 'dispatched' });
      }),
    confirm: (c: Confirmation) =>
      this.write('journal.confirm', c, () => {
        // With a move, all of it or nothing: an unknown film leaves the step as it was.
        if (c.sampleMove && !this.sampleRows.has(c.sampleMove.sampleId))
          throw new Error(`sample ${c.sampleMove.sampleId} not found`);
        const row = this.apply({
          runId: c.runId,
          stepKey: c.stepKey,
          attempt: c.attempt,
          to: 'confirmed',
          readBack: c.readBack,
          sampleMove: c.sampleMove,
        });
        this.readingRows.push(...(c.readings ?? []));
        return row;
      }),
    confirmAndDispatch: (c: Confirmation, d: Dispatch) => {
      // One statement in the database: a kill aimed at either half loses both.
      if (!this.dead && (this.killWhen?.('journal.confirm', c) || this.killWhen?.('journal.dispatch', d)))
        this.dead = true;
      return this.write('journal.confirmAndDispatch', { c, d }, () => {
        if (this.row(d.runId, d.stepKey, d.attempt))
          throw new InvalidTransitionError(
            'step',
            `${d.runId}/${d.stepKey}#${d.attempt}`,
            '(exists)',
            'dispatched',
          );
        this.apply({
          runId: c.runId,
          stepKey: c.stepKey,
          attempt: c.attempt,
          to: 'confirmed',
          readBack: c.readBack,
        });
        this.readingRows.push(...(c.readings ?? []));
        this.apply({ ...d, to: 'intent-recorded' });
        this.readingRows.push(...(d.readings ?? []));
        return this.apply({ runId: d.runId, stepKey: d.stepKey, attempt: d.attempt, to: 'dispatched' });
      });
    },
    findUnsettled: (runId) =>
      Promise.resolve(
        this.journalRows.filter(
          (r) => (!runId || r.runId === runId) && UNSETTLED_STEP_STATES.includes(r.state),
        ),
      ),
  };

  readonly ledger: EngineRepositories['ledger'] = {
    append: (record: NewDoseRecord) =>
      this.write('ledger.append', record, () => {
        if (this.doses.some((d) => d.commandId === record.commandId)) return false;
        this.doses.push({ id: this.nextId++, at: new Date(), ...record } as DoseRecord);
        return true;
      }),
    forSample: (sampleId) => Promise.resolve(this.doses.filter((d) => d.sampleId === sampleId)),
  };

  readonly readings: EngineRepositories['readings'] = {
    append: (...values) => this.write('readings.append', values, () => void this.readingRows.push(...values)),
  };

  readonly samples: EngineRepositories['samples'] = {
    get: (id) => Promise.resolve(this.sampleRows.get(id)),
    move: (id, to) => this.write('samples.move', { id, to }, () => this.moveSample(id, to)),
    setInitialMass: (id, grams) => {
      const s = this.sampleRows.get(id);
      if (s) this.sampleRows.set(id, { ...s, initialMassG: grams });
      return Promise.resolve();
    },
    setStatus: (id: string, status: SampleStatus, reason?: string) => {
      const s = { ...this.sampleRows.get(id)!, status, statusReason: reason ?? null };
      this.sampleRows.set(id, s);
      return Promise.resolve(s);
    },
    othersAt: (positions, ours) =>
      Promise.resolve(
        [...this.sampleRows.values()]
          .filter((s) => s.currentLocation && positions.includes(s.currentLocation) && !ours.includes(s.id))
          .map((s): ForeignSample => ({ id: s.id, location: s.currentLocation, runStates: [] })),
      ),
    recordStorage: (id, interval) => {
      this.storage.push({ id, location: interval.location, temperatureC: interval.temperatureC });
      return Promise.resolve({} as never);
    },
  };

  readonly results: EngineRepositories['results'] = {
    recordResults: (runId, items) =>
      this.write('results.record', items, () => {
        this.resultRows.push(
          ...items.map((i) => ({ runId, name: i.name, sampleId: i.sampleId, value: i.value })),
        );
        return { inserted: items.length, ids: [] as string[] };
      }),
  };

  readonly irradiationRows = new Map<string, Record<string, unknown>>();
  readonly measurementRows = new Map<string, RunMeasurementInput>();

  readonly irradiations: EngineRepositories['irradiations'] = {
    record: (input) =>
      this.write('irradiations.record', input, () => {
        const key = `${input.sampleId}/${input.runId}`;
        const merged = { ...this.irradiationRows.get(key), ...input };
        this.irradiationRows.set(key, merged);
        return merged as never;
      }),
  };

  readonly measurements: EngineRepositories['measurements'] = {
    record: (input) =>
      this.write('measurements.record', input, () => {
        const key = `${input.runId}/${input.stepKey}/${input.sampleId}/${input.property}`;
        const inserted = !this.measurementRows.has(key);
        if (inserted) this.measurementRows.set(key, input);
        return { measurement: input as never, inserted };
      }),
  };

  readonly protocols: EngineRepositories['protocols'] = {
    version: (protocolId, version) =>
      Promise.resolve(
        this.protocolRows
          .filter((p) => p.protocolId === protocolId && (version === undefined || p.version === version))
          .at(-1),
      ),
  };
}
