import { DocumentError } from '@graftlab/validation';
import { OptimizerError, type Optimizer } from './optimizer.interface';
import type { SuggestRequest, SuggestResponse } from './suggest.schema';
import { parseSuggestResponse } from './suggest.validation';

export interface HttpOptimizerOptions {
  /** Milliseconds before the request is abandoned (default 30 s; model fitting can take a while). */
  readonly timeoutMs?: number;
}

/**
 * An external optimizer (a BayBE, Ax or any service speaking the contract) reached by POSTing
 * {space, observations, batchSize, seed} to its URL. The reply is trusted for nothing: every candidate must be
 * inside the space, the batch complete and any grouping honoured, or the call fails with the located problems.
 */
export class HttpOptimizer implements Optimizer {
  constructor(
    readonly url: string,
    private readonly options: HttpOptimizerOptions = {},
  ) {}

  async suggest(request: SuggestRequest): Promise<SuggestResponse> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const body = {
      space: request.space,
      observations: request.observations,
      batchSize: request.batchSize,
      seed: request.seed ?? 0,
      ...(request.strategy ? { strategy: request.strategy } : {}),
      ...(request.groupBy ? { groupBy: request.groupBy } : {}),
    };
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = (e as Error).name;
      throw new OptimizerError(
        name === 'TimeoutError' || name === 'AbortError'
          ? `optimizer at ${this.url} did not answer within ${timeoutMs} ms`
          : `optimizer at ${this.url} could not be reached: ${(e as Error).message}`,
        { cause: e },
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      throw new OptimizerError(`optimizer at ${this.url}: reply could not be read: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (!response.ok)
      throw new OptimizerError(
        `optimizer at ${this.url} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      );
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new OptimizerError(
        `optimizer at ${this.url} answered something that is not JSON: ${text.slice(0, 80)}`,
      );
    }
    try {
      return parseSuggestResponse(raw, request);
    } catch (e) {
      if (e instanceof DocumentError)
        throw new OptimizerError(`optimizer at ${this.url} answered outside the contract: ${e.message}`, {
          cause: e,
        });
      throw e;
    }
  }
}
