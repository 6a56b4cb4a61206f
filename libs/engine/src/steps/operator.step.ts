import { randomUUID } from 'node:crypto';
import type { PlannedStep } from '@graftlab/protocol';
import { OperatorNeededError } from '../engine.errors';
import { journaled } from '../journaled';
import { recordMeasurement } from '../mi-records';
import { siArg, stringArg } from '../quantities';
import type { OperatorAction } from '../operator-channel';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { materialFacts } from '../materials';

const DAY_MS = 24 * 3600_000;

/** prompt: an operator action that must be acknowledged; structured actions name exactly what to do. */
export async function promptStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const message = stringArg(step, 'message') ?? step.title ?? step.key;
  const timeoutMs = (siArg(step, 'timeout') ?? 7 * 24 * 3600) * 1000;
  const action = step.args.action as { kind?: string; location?: string; reagent?: string } | undefined;
  const facts = materialFacts(ctx);
  const asks: { key: string; action?: OperatorAction; sampleId?: string }[] = [];
  if (action?.kind === 'load-sample') {
    for (const sample of validSamples(ctx)) {
      asks.push({
        key: `${step.key}/${sample.id}`,
        sampleId: sample.id,
        action: {
          kind: 'load-sample',
          sampleId: sample.id,
          location: action.location ?? sample.location,
          basePolymer: facts.basePolymer,
          thicknessUm: facts.thicknessUm,
          nominalMassG: facts.nominalMassG,
        },
      });
    }
  } else if (action?.kind === 'immerse') {
    for (const sample of validSamples(ctx)) {
      asks.push({
        key: `${step.key}/${sample.id}`,
        sampleId: sample.id,
        action: {
          kind: 'immerse',
          sampleId: sample.id,
          reagent: action.reagent ?? 'monomer-solution',
          monomer: facts.monomer,
          concentrationWtPct: facts.concentrationWtPct,
          medium: facts.medium,
        },
      });
    }
  } else if (action?.kind === 'fill-reagent') {
    const device = ctx.devices.deviceIdFor(ctx.station, 'dispenser') ?? 'dispenser';
    asks.push({
      key: step.key,
      action: {
        kind: 'fill-reagent',
        device,
        reagent: action.reagent ?? 'monomer-solution',
        monomer: facts.monomer,
        concentrationWtPct: facts.concentrationWtPct,
        medium: facts.medium,
      },
    });
  } else {
    asks.push({ key: step.key });
  }
  for (const ask of asks) {
    await journaled(
      ctx,
      ask.key,
      {
        settlement: step.settlement,
        sampleId: ask.sampleId,
        request: { message, action: ask.action ?? null },
      },
      async (commandId) => {
        const answer = await ctx.operator.ask(
          { promptId: commandId, runId: ctx.runId, stepKey: ask.key, message, action: ask.action },
          { timeoutMs: Math.min(timeoutMs, 30 * DAY_MS), signal: ctx.signal },
        );
        if (ask.action?.kind === 'load-sample' && ask.sampleId) {
          const s = ctx.samples.find((x) => x.id === ask.sampleId);
          if (s) s.location = ask.action.location;
        }
        return { by: answer.by, note: answer.note ?? null };
      },
    );
  }
}

/**
 * measure: a named reading (IEC, conductivity) of each sample, measured off-line by the operator (or the virtual
 * operator, from the virtual lab's physics) and entered with its standard uncertainty. An answer without a value
 * leaves the output unknown, so the run waits for a person rather than finish without it.
 */
export async function measureStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const record = step.records ?? stringArg(step, 'record') ?? step.key;
  const unit = stringArg(step, 'unit') ?? '';
  const property = stringArg(step, 'property') ?? record;
  for (const sample of validSamples(ctx)) {
    const key = `${step.key}/${sample.id}`;
    const action: OperatorAction = { kind: 'measure', sampleId: sample.id, property, unit };
    const out = await journaled(
      ctx,
      key,
      { sampleId: sample.id, settlement: step.settlement, request: { record, unit, action } },
      async (commandId) => {
        const answer = await ctx.operator.ask(
          {
            promptId: commandId ?? randomUUID(),
            runId: ctx.runId,
            stepKey: key,
            message: `Measure ${property} of sample ${sample.id} with ${stringArg(step, 'instrument') ?? 'the instrument'} and enter it in ${unit}`,
            action,
          },
          { timeoutMs: 30 * DAY_MS, signal: ctx.signal },
        );
        if (typeof answer.value !== 'number' || !Number.isFinite(answer.value))
          throw new OperatorNeededError(
            `${step.key}: no value of ${property} was entered for sample ${sample.id}; enter it in ${unit}`,
          );
        return { value: answer.value, uncertainty: answer.uncertainty ?? null, by: answer.by };
      },
    );
    const value = out.value as number;
    const uncertainty = typeof out.uncertainty === 'number' ? out.uncertainty : 0;
    const entry = ctx.recorded.get(sample.id) ?? {};
    entry[record] = { value, uncertainty, replicates: [value] };
    ctx.recorded.set(sample.id, entry);
    await ctx.readings.append({
      deviceId: 'operator',
      runId: ctx.runId,
      stepKey: step.key,
      sampleId: sample.id,
      name: record,
      value,
      unit,
    });
    // Also a measurement of the MI database, when it names a property the database knows (IEC, conductivity …).
    await recordMeasurement(ctx, {
      runId: ctx.runId,
      stepKey: step.key,
      sampleId: sample.id,
      property,
      value,
      unit,
      ...(typeof out.uncertainty === 'number' ? { uncertainty: out.uncertainty } : {}),
      instrument: stringArg(step, 'instrument') ?? null,
      method: 'operator-entered',
      operator: typeof out.by === 'string' ? out.by : null,
      measuredAt: new Date(ctx.clock.now()),
    });
  }
}
