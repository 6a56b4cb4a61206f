import type { BayesianOptions } from './bayesian.strategy';
import type { Optimizer } from './optimizer.interface';
import { suggest } from './suggest.api';
import type { SuggestRequest, SuggestResponse } from './suggest.schema';

/** graftlab's own optimizer behind the common interface (runs in-process; synchronous work, async signature). */
export class BuiltInOptimizer implements Optimizer {
  constructor(private readonly options: BayesianOptions = {}) {}

  suggest(request: SuggestRequest): Promise<SuggestResponse> {
    return Promise.resolve().then(() => suggest(request, this.options));
  }
}
