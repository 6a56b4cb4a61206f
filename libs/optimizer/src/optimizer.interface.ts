import type { SuggestRequest, SuggestResponse } from './suggest.schema';

/** Anything that answers the ask of the ask/tell contract: the built-in optimizer or an external service. */
export interface Optimizer {
  suggest(request: SuggestRequest): Promise<SuggestResponse>;
}

/** An optimizer that could not answer, or answered something the contract refuses. */
export class OptimizerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OptimizerError';
  }
}
