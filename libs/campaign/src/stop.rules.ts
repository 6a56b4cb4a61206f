import type { SuggestionState } from '@graftlab/db';
import { CHECK_REFUSAL, type SuggestionOutcome } from './campaign.contract';
import type { CampaignSettings } from './campaign.schema';

/** Suggestions that spent an experiment of the budget (a rejected proposal never ran). */
const COUNTED: readonly SuggestionState[] = ['queued', 'completed', 'failed'];

/** Experiments spent, best so far (meeting every outcome constraint), and why the campaign should stop (null: go on). */
export function campaignStatus(settings: CampaignSettings, outcomes: readonly SuggestionOutcome[]) {
  const experiments = outcomes.filter((o) => COUNTED.includes(o.suggestion.state)).length;
  // With outcome constraints, the best is the best experiment that meets them all.
  const meets = (o: SuggestionOutcome) =>
    (settings.objective.constraints ?? []).every((c) => {
      const v = o.observation?.outputs?.[c.name];
      return v !== undefined && (c.min === undefined || v >= c.min) && (c.max === undefined || v <= c.max);
    });
  const scored = outcomes.filter((o) => o.score !== null && meets(o));
  const best = scored.reduce<SuggestionOutcome | null>(
    (b, o) => (b === null || o.score! > b.score! ? o : b),
    null,
  );
  const hit = settings.stopWhen
    ? outcomes.find(
        (o) =>
          o.observation?.status === 'completed' &&
          Object.entries(settings.stopWhen!.outputs).every(([name, r]) => {
            const v = o.observation!.outputs?.[name];
            return (
              v !== undefined && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max)
            );
          }),
      )
    : undefined;
  // So many refusals that the optimizer cannot find a feasible point: stop rather than spin.
  const refused = outcomes.filter((o) => o.suggestion.reason?.startsWith(CHECK_REFUSAL)).length;
  const stopReason = hit
    ? `target met by ${hit.suggestion.id}`
    : experiments >= settings.budget
      ? `budget of ${settings.budget} experiments spent`
      : refused >= Math.max(settings.budget, 3 * settings.batchSize)
        ? `${refused} proposals refused by the checks: the space and the limits leave no room`
        : null;
  return { experiments, best, targetMetBy: hit?.suggestion.id ?? null, stopReason };
}
