import type { LabClock } from '@graftlab/clock';
import type { JournalEntry, Run } from '@graftlab/db';
import type { DispenseCounters, ShutterCounters } from '@graftlab/devices';
import { doseRateAt, type Inventory } from '@graftlab/inventory';
import {
  allSteps,
  StoredPlanRejected,
  type ExecutionPlan,
  type PlannedStep,
  type StepType,
} from '@graftlab/protocol';
import type { DeviceHub } from './device-hub';
import type { EngineRepositories } from './engine.repositories';
import { deliveredByStep, doseComplete, doseOf, ledgerRow, remainingKGy } from './dose-account';
import type { EngineLog } from './run-context';
import { runPlanOf } from './stored-plan';

export interface ReconcileDeps {
  readonly repositories: Pick<EngineRepositories, 'runs' | 'journal' | 'ledger' | 'protocols'>;
  readonly inventory: Inventory;
  readonly devices: DeviceHub;
  readonly clock: LabClock;
  readonly log: EngineLog;
  readonly commandTimeoutMs: number;
}

type Verdict =
  | { kind: 'done'; readBack: Record<string, unknown> }
  | { kind: 'redo'; readBack: Record<string, unknown> }
  | { kind: 'operator'; reason: string };

const VOLUME_TOLERANCE = 0.02; // relative

/**
 * After a crash, settles every step left in flight from what the devices themselves report (counters, state,
 * actual exposure), by the step's declared policy. Nothing physical is repeated on a guess: a step is redone only
 * when the device shows it did not happen; a partial effect that cannot be completed safely goes to a person.
 */
export class Reconciler {
  private readonly journal: EngineRepositories['journal'];
  private readonly runs: EngineRepositories['runs'];

  constructor(private readonly deps: ReconcileDeps) {
    this.journal = deps.repositories.journal;
    this.runs = deps.repositories.runs;
  }

  /**
   * Reconciles the runs of the given stations left `running` (only `runIds` when given: runs no job executes while
   * the worker is up); returns the runs that may continue.
   */
  async reconcile(
    stationIds: readonly string[],
    runIds?: readonly string[],
  ): Promise<{ continue: Run[]; operator: { run: Run; reason: string }[] }> {
    const running = (await this.runs.list({ states: ['running'] })).filter(
      (r) => r.station && stationIds.includes(r.station) && (!runIds || runIds.includes(r.id)),
    );
    const result = { continue: [] as Run[], operator: [] as { run: Run; reason: string }[] };
    for (const run of running) {
      const unsettled = await this.journal.findUnsettled(run.id);
      // A plan that is not the admitted one cannot say what a step was: every step in flight goes to a person.
      const plan = await runPlanOf(this.deps.repositories.protocols, this.deps.inventory, run).then(
        (p) => p.plan,
        (e: unknown) => {
          if (e instanceof StoredPlanRejected) return e;
          throw e;
        },
      );
      const reasons: string[] = [];
      for (const row of unsettled) {
        if ((row.request as { resumable?: boolean } | null)?.resumable) continue; // the engine resumes these itself
        const settled =
          plan instanceof StoredPlanRejected
            ? Promise.resolve<Verdict>({ kind: 'operator', reason: `${row.stepKey}: ${plan.reason}` })
            : this.settle(run, plan, row);
        const verdict = await settled.catch((e: Error): Verdict => ({
          kind: 'operator',
          reason: `${row.stepKey}: could not read the device back (${e.message})`,
        }));
        const base = { runId: run.id, stepKey: row.stepKey, attempt: row.attempt };
        if (verdict.kind === 'operator') {
          if (row.state !== 'uncertain')
            await this.journal.record({ ...base, to: 'uncertain', reason: verdict.reason });
          reasons.push(verdict.reason);
        } else {
          // A move found done: the film's place is written with the settlement, in one commit.
          const to = (row.request as { to?: unknown } | null)?.to;
          const moved =
            verdict.kind === 'done' &&
            row.stepKey.includes('/move/') &&
            row.sampleId &&
            typeof to === 'string';
          await this.journal.record({
            ...base,
            to: 'settled',
            readBack: { ...verdict.readBack, resolution: verdict.kind, reconciled: true },
            ...(moved
              ? { sampleMove: { sampleId: row.sampleId!, to, reason: `reconciled ${row.stepKey}` } }
              : {}),
          });
        }
        this.deps.log({ runId: run.id, stepKey: row.stepKey, verdict: verdict.kind }, 'step reconciled');
      }
      if (reasons.length) {
        const reason = reasons.join('; ');
        const waiting = await this.runs.transition(run.id, 'running', 'waiting-operator', { reason });
        result.operator.push({ run: waiting, reason });
      } else result.continue.push(run);
    }
    return result;
  }

  private async settle(run: Run, plan: ExecutionPlan, row: JournalEntry): Promise<Verdict> {
    const request = (row.request ?? {}) as Record<string, unknown>;
    if (row.stepKey.includes('/move/')) return this.settleMove(row, request);
    const topKey = row.stepKey.split('/')[0];
    const step = allSteps(plan.steps).find((s) => s.key === topKey);
    if (!step) return { kind: 'operator', reason: `${row.stepKey}: not a step of the run's plan` };
    const evidence = evidenceFor(step.type);
    switch (evidence) {
      case 'shutter-counters':
        return this.settleIrradiation(run, row, request);
      case 'pump-counters':
        return this.settleDispense(row, request);
      case 'asked-again':
        return { kind: 'redo', readBack: { note: 'asked again' } };
      case 'state-re-established':
        return byPolicy(step, row);
      case 'a-person-knows':
        // Chemistry cannot be undone or safely repeated: a person says whether the film was treated.
        return {
          kind: 'operator',
          reason: `${row.stepKey}: the worker stopped while ${row.sampleId ?? 'the film'} was being ${step.type === 'functionalize' ? 'functionalized' : 'treated'}; check whether it was treated and resolve the step (done or redo)`,
        };
      case 'measured-again':
        // A titration or a sweep (a soak visit's too) only reads the film: it is measured again, and the film's
        // moves are settled on their own from the robot.
        return { kind: 'redo', readBack: { note: `${step.type} measured again` } };
      default:
        return unreachable(evidence);
    }
  }

  private async settleMove(row: JournalEntry, request: Record<string, unknown>): Promise<Verdict> {
    const robotId = row.deviceId;
    if (!robotId || !row.sampleId) return { kind: 'redo', readBack: { note: 'operator move asked again' } };
    const robot = await this.deps.devices.use(robotId, 'sample-handler', this.deps.commandTimeoutMs);
    try {
      const at = await robot.locate(row.sampleId, { timeoutMs: this.deps.commandTimeoutMs });
      if (at === request.to) return { kind: 'done', readBack: { from: request.from, to: request.to } };
      if (at === request.from) return { kind: 'redo', readBack: { at } };
      return {
        kind: 'operator',
        reason: `sample ${row.sampleId} is at ${at ?? 'an unknown place'}, expected ${String(request.to)}`,
      };
    } finally {
      await this.deps.devices.releaseShared(robotId);
    }
  }

  private async settleDispense(row: JournalEntry, request: Record<string, unknown>): Promise<Verdict> {
    const pumpId = row.deviceId!;
    const pump = await this.deps.devices.use(pumpId, 'dispenser', this.deps.commandTimeoutMs);
    // A pump that was mid-stroke when the worker died finishes on its own: wait until it stops.
    const deadline = Date.now() + 60_000;
    while (
      (await pump.status({ timeoutMs: this.deps.commandTimeoutMs })).state === 'busy' &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = request.countersBefore as DispenseCounters | undefined;
    const now = await pump.counters({ timeoutMs: this.deps.commandTimeoutMs });
    const target = Number(request.volumeMl);
    const delivered = now.infusedMl - (before?.infusedMl ?? now.infusedMl);
    // The counter is only evidence within one counter epoch: the NE-1000 clears it (CLD) at the start of every
    // dispense and the Cavro's is kept by the driver since connect, so after a crash "nothing moved" cannot be
    // told from "a whole dispense after a reset" (the crash test found a double dispense this way). Only a
    // counter that grew by the target proves the dispense; anything else is settled by the declared policy,
    // and only a retry-safe dispense is redone on a flat counter.
    const sameEpoch = before !== undefined && now.infusedMl >= before.infusedMl;
    if (sameEpoch && Math.abs(delivered - target) <= VOLUME_TOLERANCE * target)
      return { kind: 'done', readBack: { deliveredMl: delivered } };
    if (sameEpoch && delivered <= VOLUME_TOLERANCE * target && row.settlement === 'retry-safe')
      return { kind: 'redo', readBack: { deliveredMl: delivered } };
    if (!sameEpoch || delivered <= VOLUME_TOLERANCE * target)
      return {
        kind: 'operator',
        reason: `dispense ${row.stepKey}: the worker stopped during the dispense and ${pumpId}'s counter cannot show how much of ${target.toFixed(2)} mL was delivered (counter ${before?.infusedMl.toFixed(2) ?? '?'} → ${now.infusedMl.toFixed(2)} mL); check the vessel volume and resolve the step`,
      };
    return {
      kind: 'operator',
      reason: `dispense ${row.stepKey}: ${delivered.toFixed(2)} mL of ${target.toFixed(2)} mL were delivered before the worker stopped; check ${pumpId} and the vessel`,
    };
  }

  private async settleIrradiation(
    run: Run,
    row: JournalEntry,
    request: Record<string, unknown>,
  ): Promise<Verdict> {
    const shutterId = row.deviceId!;
    const shutter = await this.deps.devices.use(shutterId, 'shutter', this.deps.commandTimeoutMs);
    const [irradiatorId, positionId] = String(request.position).split('/');
    try {
      // The controller closes the shutter on its own timer; wait for it, then read what it actually did.
      const deadline = Date.now() + 120_000;
      let counters: ShutterCounters = await shutter.counters({ timeoutMs: this.deps.commandTimeoutMs });
      while (!counters.closed && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        counters = await shutter.counters({ timeoutMs: this.deps.commandTimeoutMs });
      }
      if (!counters.closed) await shutter.safeState({ timeoutMs: this.deps.commandTimeoutMs });
      const irradiator = await this.deps.devices
        .use(irradiatorId, 'irradiator', this.deps.commandTimeoutMs)
        .catch(() => undefined);
      await irradiator?.lowerSource({ commandId: `${row.commandId}.lower-reconcile` }).catch(() => undefined);
      if (irradiator) await this.deps.devices.releaseShared(irradiatorId);

      const before = request.shutterBefore as ShutterCounters | undefined;
      const openMs = counters.cumulativeOpenMs - (before?.cumulativeOpenMs ?? counters.cumulativeOpenMs);
      const exposures = counters.exposures - (before?.exposures ?? counters.exposures);
      const position = this.deps.inventory.devices
        .find((d) => d.id === irradiatorId)
        ?.positions?.find((p) => p.id === positionId);
      const samples = (request.samples as string[] | undefined) ?? [];
      const ledger = this.deps.repositories.ledger;
      const target = Number(request.targetKGy);
      if (exposures > 0 && openMs > 0 && position) {
        const rate = doseRateAt(position, new Date(this.deps.clock.now()));
        for (const sampleId of samples) {
          // Same row as the engine would have written (same command id): one already written is not written twice.
          await ledger.append(
            ledgerRow({
              sampleId,
              runId: run.id,
              stepKey: row.stepKey,
              commandId: row.commandId,
              targetKGy: target,
              deliveredKGy: doseOf(rate, openMs),
              rateKGyPerH: rate,
              location: String(request.position),
              position,
              openMs,
              atmosphere: typeof request.atmosphere === 'string' ? request.atmosphere : undefined,
              startedAt: typeof request.labStart === 'number' ? new Date(request.labStart) : undefined,
              endedAt: new Date(this.deps.clock.now()),
            }),
          );
        }
      }
      const total = samples.length
        ? deliveredByStep(await ledger.forSample(samples[0]), run.id, row.stepKey)
        : 0;
      if (doseComplete(total, target))
        return { kind: 'done', readBack: { deliveredKGy: total, actualOpenMs: openMs } };
      if (total <= 1e-9) return { kind: 'redo', readBack: { deliveredKGy: 0 } };
      if (request.splitDoseAllowed)
        return { kind: 'redo', readBack: { deliveredKGy: total, remainingKGy: remainingKGy(target, total) } };
      return {
        kind: 'operator',
        reason: `irradiation ${row.stepKey} was interrupted after ${total.toFixed(2)} of ${target.toFixed(2)} kGy and the protocol does not allow a split dose`,
      };
    } finally {
      await this.deps.devices.releaseShared(shutterId);
    }
  }
}

/**
 * What tells the reconciler how far a step in flight got. Exhaustive over step types: a new type does not compile
 * until someone says what evidence its device keeps (a `default` would silently redo a step that must not repeat).
 */
type Evidence =
  | 'shutter-counters'
  | 'pump-counters'
  | 'asked-again'
  | 'measured-again'
  | 'a-person-knows'
  | 'state-re-established';

export function evidenceFor(type: StepType): Evidence {
  switch (type) {
    case 'irradiate':
      return 'shutter-counters'; // the controller's own exposure count and open time
    case 'dispense':
      return 'pump-counters'; // the pump's volume counter within one counter epoch
    case 'prompt':
    case 'measure':
      return 'asked-again'; // a person's answer or a reading: asking again changes nothing physical
    case 'titrate':
    case 'impedance':
    case 'soak':
      return 'measured-again'; // the instruments only read the film; its moves are settled from the robot
    case 'functionalize':
      return 'a-person-knows'; // chemistry done by a person in the hood: no device can say whether it happened
    case 'weigh':
    case 'transfer':
    case 'purge':
    case 'evacuate-refill':
    case 'store':
    case 'heat':
    case 'hold':
    case 'stir':
    case 'wait':
    case 'drain':
    case 'wash':
    case 'dry':
    case 'parallel':
      return 'state-re-established'; // setpoints, timers and readings: the step re-establishes its state
  }
}

/** A step whose effect is a state the engine re-establishes, settled by its declared policy. */
function byPolicy(step: PlannedStep, row: JournalEntry): Verdict {
  const policy = step.settlement;
  switch (policy) {
    case 'retry-safe':
    case 'resume-remaining':
    case 'compensate':
      return { kind: 'redo', readBack: { note: `${step.type} is ${policy}` } };
    case 'invalidate-sample':
    case 'ask-operator':
      return {
        kind: 'operator',
        reason: `${row.stepKey}: ${step.type} was interrupted and its policy is ${policy}`,
      };
    default:
      return unreachable(policy);
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled case ${String(value)}`);
}
