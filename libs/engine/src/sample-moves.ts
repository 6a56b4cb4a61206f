import { DeviceError } from '@graftlab/devices';
import { NothingDelivered } from './engine.errors';
import { journaled } from './journaled';
import type { RunContext, SampleState } from './run-context';

/**
 * Puts a sample where a step needs it: the lab's robot moves it (journaled, idempotent by command id, under a
 * lease); a lab without a robot asks the operator.
 */
export async function ensureAt(
  ctx: RunContext,
  sample: SampleState,
  target: string,
  stepKey: string,
): Promise<void> {
  const to = target;
  if (sample.location === to) return;
  // A step that ended before the run parked at its soak is replayed for its records only: the film has moved on.
  if (ctx.finishedBeforeSoak?.has(stepKey.split('/')[0])) return;
  const from = sample.location;
  const key = `${stepKey}/move/${sample.id}/${to}`;
  // The journal's confirmation of a move and the film's new place are one commit (see JournalRepository).
  const sampleMove = { sampleId: sample.id, to, actor: ctx.holder, reason: `step ${stepKey}` };
  const robotId = ctx.devices.deviceIdFor(ctx.station, 'sample-handler');
  if (!robotId) {
    await journaled(
      ctx,
      key,
      { settlement: 'ask-operator', request: { from, to }, sampleId: sample.id, sampleMove },
      async (commandId) => {
        await ctx.operator.ask(
          {
            promptId: commandId,
            runId: ctx.runId,
            stepKey: key,
            message: `Move sample ${sample.id} from ${from} to ${to}`,
          },
          { timeoutMs: 24 * 3600_000, signal: ctx.signal },
        );
        return { from, to };
      },
    );
  } else {
    const taken = await ctx.leases.acquire([robotId], ctx.holder, ctx.runId, ctx.signal);
    try {
      const robot = await ctx.devices.use(robotId, 'sample-handler', ctx.commandTimeoutMs);
      try {
        await journaled(
          ctx,
          key,
          {
            deviceId: robotId,
            sampleId: sample.id,
            settlement: 'retry-safe',
            request: { from, to },
            sampleMove,
          },
          async (commandId) => {
            await robot
              .move(
                { commandId, sampleId: sample.id, from, to },
                { signal: ctx.signal, timeoutMs: 10 * ctx.commandTimeoutMs },
              )
              .catch((e: unknown) => {
                if (e instanceof DeviceError && e.notSent && !ctx.signal.aborted)
                  throw new NothingDelivered(robotId, `move of ${sample.id} to ${to} not sent: ${e.message}`);
                throw e;
              });
            return { from, to };
          },
        );
      } finally {
        await ctx.devices.releaseShared(robotId);
      }
    } finally {
      await ctx.leases.release(taken, ctx.holder);
    }
  }
  // A move the journal holds as done is only replayed here: the film's record is NOT written again. Its place was
  // written with the move's confirmation (or a person's or the reconciler's settlement), in one commit; a run that
  // continues replays its earlier moves in order, and writing each would walk the record back through the film's
  // history (irradiator → balance → irradiator) while the film lies in the irradiator: another run looking at that
  // moment finds it empty, moves its film in, and the next exposure doses both (seen in the partition test).
  sample.location = to;
}
