import { createRng } from '@graftlab/grafting-model';
import { proposeRandom, proposeSpaceFilling } from './baseline.strategy';
import { proposeBayesian, type BayesianOptions } from './bayesian.strategy';
import { proposePareto } from './pareto.strategy';
import { versionHash } from './model-version.hash';
import type { Proposal, ProposalContext } from './proposal.types';
import { encodingOf, toParams, toPoint, type Encoding, type Point } from './space.encoding';
import type { Params } from './space.schema';
import type { Candidate, SuggestRequest, SuggestResponse } from './suggest.schema';
import { parseSuggestRequest } from './suggest.validation';

/** Ten significant digits: readable output that still round-trips to the chosen point; clamped into range. */
function tidy(enc: Encoding, point: Point): Params {
  const params = toParams(enc, point);
  for (const p of enc.space.parameters) {
    const v = params[p.name];
    if (p.type === 'number' && typeof v === 'number')
      params[p.name] = Math.min(p.max, Math.max(p.min, Number(v.toPrecision(10))));
  }
  return params;
}

/**
 * The ask of the ask/tell contract: the next batch from the space and everything observed so far. Pure and
 * deterministic for a seed (no clock, no global state). Validates the request first (DocumentError with
 * pointers). A Bayesian request without enough completed observations gets a space-filling batch and says so.
 */
export function suggest(raw: SuggestRequest, options: BayesianOptions = {}): SuggestResponse {
  const request = parseSuggestRequest(raw);
  const enc = encodingOf(request.space);
  const seed = request.seed ?? 0;
  const strategy = request.strategy ?? 'bayesian';
  const ctx: ProposalContext = {
    enc,
    completed: request.observations
      .filter((o) => o.status === 'completed')
      .map((observation) => ({ point: toPoint(enc, observation.params), observation })),
    failed: request.observations.filter((o) => o.status === 'failed').map((o) => toPoint(enc, o.params)),
    pending: request.observations.filter((o) => o.status === 'pending').map((o) => toPoint(enc, o.params)),
    batchSize: request.batchSize,
    rng: createRng(seed).fork(strategy),
    groupIndices: (request.groupBy ?? []).map((name) =>
      request.space.parameters.findIndex((p) => p.name === name),
    ),
  };
  const baselineVersion = (name: string) =>
    versionHash(name, { seed, observations: request.observations, batchSize: request.batchSize });
  let proposal: Proposal;
  let used: string = strategy;
  let modelVersion: string;
  let feasibility: number[] | undefined;
  switch (strategy) {
    case 'random':
      proposal = proposeRandom(ctx);
      modelVersion = baselineVersion('random');
      break;
    case 'space-filling':
      proposal = proposeSpaceFilling(ctx);
      modelVersion = baselineVersion('space-filling');
      break;
    case 'bayesian': {
      const objective = request.space.objective;
      if (objective.pareto || objective.constraints?.length) {
        const pareto = proposePareto(ctx, objective, options.initialDesignSize);
        if (pareto) {
          proposal = pareto;
          feasibility = pareto.feasibility;
          modelVersion = pareto.modelVersion;
          used = pareto.method === 'qNEHVI' ? 'bayesian-qnehvi' : 'bayesian-constrained';
        } else {
          proposal = proposeSpaceFilling(ctx);
          used = 'space-filling';
          modelVersion = baselineVersion('space-filling');
        }
        break;
      }
      const bayesian = proposeBayesian(ctx, request.space.objective, options);
      if (bayesian) {
        proposal = bayesian;
        modelVersion = bayesian.modelVersion;
      } else {
        proposal = proposeSpaceFilling(ctx);
        used = 'space-filling';
        modelVersion = baselineVersion('space-filling');
      }
      break;
    }
  }
  const candidates: Candidate[] = proposal.points.map((point, i) => {
    const acquisitionValue = proposal.acquisitionValues?.[i];
    const p = feasibility?.[i];
    return {
      params: tidy(enc, point),
      ...(acquisitionValue === undefined
        ? {}
        : { acquisitionValue: Number(acquisitionValue.toPrecision(6)) }),
      ...(p === undefined ? {} : { feasibility: Number(p.toPrecision(4)) }),
    };
  });
  return { candidates, modelVersion, strategy: used };
}
