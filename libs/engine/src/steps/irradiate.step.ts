import { doseRateAt } from '@graftlab/inventory';
import type { PlannedStep } from '@graftlab/protocol';
import { DeviceError } from '@graftlab/devices';
import { NothingDelivered } from '../engine.errors';
import { journaled, verdictOf } from '../journaled';
import { gateStep } from '../safety-gate';
import { stringArg, booleanArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';
import { refuseForeignSamples } from '../foreign-samples';
import { deviceFor } from '../step-devices';
import { recordIrradiation } from '../mi-records';
import { deliveredByStep, doseOf, ledgerRow, remainingKGy } from '../dose-account';

export function irradiationLocation(
  ctx: RunContext,
  step: PlannedStep,
): { irradiatorId: string; positionId: string; location: string } {
  const position = stringArg(step, 'position') ?? '';
  const irradiatorId = deviceFor(ctx, step, 'irradiator');
  if (!irradiatorId) throw new Error('no irradiator in the inventory');
  const [device, pos] = position.includes('/') ? position.split('/') : [irradiatorId, position];
  return { irradiatorId: device, positionId: pos, location: `${device}/${pos}` };
}

/**
 * irradiate: dose = decay-corrected dose rate × the exposure the shutter controller timed and reports.
 * Only the dose still missing for this step is requested (a resumed split dose delivers the remainder).
 * Software reads the facility permissives and only adds restrictions; the source is always lowered after.
 */
export async function irradiateStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const { irradiatorId, positionId, location } = irradiationLocation(ctx, step);
  const shutterId = deviceFor(ctx, step, 'shutter');
  if (!shutterId) throw new Error('no shutter in the inventory');
  const position = ctx.inventory.devices
    .find((d) => d.id === irradiatorId)
    ?.positions?.find((p) => p.id === positionId);
  if (!position) throw new Error(`unknown irradiation position ${location}`);
  const targetKGy = (step.dose?.si ?? 0) / 1000;
  const maxSegmentMs = Math.floor(
    ctx.inventory.devices.find((d) => d.id === shutterId)?.limits.maxOpenMs ?? 999_999,
  );
  const samples = validSamples(ctx);
  if (!samples.length) return;

  for (const sample of samples) await ensureAt(ctx, sample, location, step.key);
  // Our films are in; the source doses every position: no one else's film may lie there (checked again now).
  // (A step the journal holds as done is only replayed from its records: nothing will be sent.)
  const replayed = ctx.journalRows.has(step.key) && verdictOf(ctx, step.key, false).kind === 'done';
  if (!replayed) await refuseForeignSamples(ctx, step.key, irradiatorId);
  const irradiator = await ctx.devices.use(irradiatorId, 'irradiator', ctx.commandTimeoutMs);
  const shutter = await ctx.devices.use(shutterId, 'shutter', ctx.commandTimeoutMs);
  try {
    await journaled(
      ctx,
      step.key,
      {
        deviceId: shutterId,
        settlement: step.settlement,
        request: {
          targetKGy,
          position: location,
          atmosphere: stringArg(step, 'atmosphere'),
          calibrationId: position.calibrationId,
          samples: samples.map((s) => s.id),
          splitDoseAllowed: booleanArg(step, 'splitDoseAllowed') ?? false,
          shutterBefore: await shutter.counters({ signal: ctx.signal }),
        },
      },
      async (commandId) => {
        const deliveredBefore = deliveredByStep(
          await ctx.ledger.forSample(samples[0].id),
          ctx.runId,
          step.key,
        );
        const remaining = remainingKGy(targetKGy, deliveredBefore);
        if (remaining === 0) return { deliveredKGy: deliveredBefore, actualOpenMs: 0, resumed: true };
        // The dose is what the shutter was open: an irradiator that fails before the shutter opens delivered nothing.
        const notStarted = (e: unknown): never => {
          // A refusal (interlock, permissive) keeps its own path: the run pauses with the safety reason.
          if (e instanceof DeviceError && e.kind !== 'refused' && !ctx.signal.aborted)
            throw new NothingDelivered(irradiatorId, `irradiation ${step.key} did not start: ${e.message}`);
          throw e;
        };
        // The facility's permissives, read just before the source goes up, judged by the envelope's rules.
        const permissives = await irradiator.permissives({ signal: ctx.signal }).catch(notStarted);
        await gateStep(ctx, step, { irradiator: permissives });
        const rateKGyPerH = doseRateAt(position, new Date(ctx.clock.now()));
        const durationMs = (remaining / rateKGyPerH) * 3_600_000;
        const startedAt = new Date(ctx.clock.now());
        let actualOpenMs = 0;
        try {
          await irradiator
            .raiseSource({ commandId: `${commandId}.raise` }, { signal: ctx.signal })
            .catch(notStarted);
          // The controller times each opening itself; an exposure longer than its longest timed opening is
          // delivered in consecutive device-timed segments, and the dose counts only what it reports open.
          let remainingMs = Math.round(durationMs);
          for (let segment = 0; remainingMs >= 1; segment++) {
            const segmentMs = Math.min(remainingMs, maxSegmentMs);
            const exposure = await shutter.expose(
              { commandId: segment === 0 ? commandId : `${commandId}.${segment}`, durationMs: segmentMs },
              { signal: ctx.signal, timeoutMs: ctx.clock.toRealMs(segmentMs) + 10 * ctx.commandTimeoutMs },
            );
            actualOpenMs += exposure.actualOpenMs;
            remainingMs -= segmentMs;
          }
        } finally {
          await irradiator
            .lowerSource({ commandId: `${commandId}.lower` })
            .catch((e: Error) =>
              ctx.log(
                { runId: ctx.runId, stepKey: step.key, deviceId: irradiatorId, err: e.message },
                'source lowering not confirmed',
              ),
            );
        }
        const deliveredKGy = doseOf(rateKGyPerH, actualOpenMs);
        const endedAt = new Date(ctx.clock.now());
        for (const sample of samples) {
          await ctx.ledger.append(
            ledgerRow({
              sampleId: sample.id,
              runId: ctx.runId,
              stepKey: step.key,
              commandId,
              targetKGy,
              deliveredKGy,
              rateKGyPerH,
              location,
              position,
              openMs: actualOpenMs,
              atmosphere: stringArg(step, 'atmosphere'),
              startedAt,
              endedAt,
            }),
          );
        }
        for (const sample of samples)
          await recordIrradiation(ctx, step, sample.id, { irradiatorId, position, startedAt });
        return {
          deliveredKGy: deliveredBefore + deliveredKGy,
          actualOpenMs,
          rateKGyPerH,
          requestedMs: durationMs,
        };
      },
    );
  } finally {
    await ctx.devices.releaseShared(shutterId);
    await ctx.devices.releaseShared(irradiatorId);
  }
}
