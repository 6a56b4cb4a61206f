import type { BayesianOptions } from './bayesian.strategy';
import { BuiltInOptimizer } from './builtin.optimizer';
import { HttpOptimizer, type HttpOptimizerOptions } from './http.optimizer';
import { OptimizerError, type Optimizer } from './optimizer.interface';

export type OptimizerChoice =
  | { readonly kind: 'builtin'; readonly options?: BayesianOptions }
  | { readonly kind: 'http'; readonly url?: string; readonly timeoutMs?: number };

/** The optimizer a campaign names: graftlab's own, or an external service at a URL. */
export function optimizerFor(choice: OptimizerChoice): Optimizer {
  switch (choice.kind) {
    case 'builtin':
      return new BuiltInOptimizer(choice.options);
    case 'http': {
      if (!choice.url) throw new OptimizerError('an http optimizer needs a url');
      let url: URL;
      try {
        url = new URL(choice.url);
      } catch {
        throw new OptimizerError(`"${choice.url}" is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new OptimizerError(`optimizer URL must be http or https, found ${url.protocol}`);
      const options: HttpOptimizerOptions =
        choice.timeoutMs === undefined ? {} : { timeoutMs: choice.timeoutMs };
      return new HttpOptimizer(url.toString(), options);
    }
  }
}
