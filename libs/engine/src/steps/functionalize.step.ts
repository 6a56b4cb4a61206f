import type { PlannedStep } from '@graftlab/protocol';
import { journaled } from '../journaled';
import type { OperatorAction } from '../operator-channel';
import { KELVIN, requiredSi, stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';

const REACTIONS = ['sulfonation', 'amination', 'quaternization', 'hydrolysis'] as const;
type Reaction = (typeof REACTIONS)[number];

/**
 * functionalize: the film's post-grafting chemistry (issue #14). The reagents (chlorosulfonic acid, trimethylamine,
 * ethylenediamine) fume and corrode, and no reactor block's pump holds them, so a person does it in the fume hood
 * the inventory declares: the film is brought to the hood's flask and the operator is asked to treat it and
 * confirm when it is out and rinsed (the virtual operator changes the film's chemistry in the virtual lab). It is
 * irreversible: after a crash it is never repeated on a guess (settlement ask-operator).
 */
export async function functionalizeStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const reaction = stringArg(step, 'reaction') as Reaction | undefined;
  if (!reaction || !REACTIONS.includes(reaction))
    throw new Error(`step ${step.key}: no reaction in the plan`);
  const reagent = stringArg(step, 'reagent') ?? reaction;
  const concentration = stringArg(step, 'concentration') ?? '';
  const vessel = stringArg(step, 'vessel') ?? 'hood-1/flask';
  const temperatureC = Number((requiredSi(step, 'temperature') - KELVIN).toFixed(2));
  const timeH = requiredSi(step, 'time') / 3600;
  for (const sample of validSamples(ctx)) {
    await ensureAt(ctx, sample, vessel, step.key);
    const key = `${step.key}/${sample.id}`;
    const action: OperatorAction = {
      kind: 'functionalize',
      sampleId: sample.id,
      reaction,
      reagent,
      concentration,
      temperatureC,
      timeH,
    };
    const message = `${reaction[0].toUpperCase()}${reaction.slice(1)} of sample ${sample.id} in ${vessel}: ${concentration} ${reagent} at ${temperatureC} °C for ${Number(timeH.toFixed(2))} h; rinse it and confirm when it is out`;
    await journaled(
      ctx,
      key,
      { sampleId: sample.id, settlement: step.settlement, request: { message, action } },
      async (commandId) => {
        const answer = await ctx.operator.ask(
          { promptId: commandId, runId: ctx.runId, stepKey: key, message, action },
          // The reaction's own time plus a working day for the person to get to it.
          { timeoutMs: Math.min(30 * 24 * 3600_000, (timeH + 24) * 3600_000), signal: ctx.signal },
        );
        return { by: answer.by, reaction, temperatureC, timeH };
      },
    );
  }
}
