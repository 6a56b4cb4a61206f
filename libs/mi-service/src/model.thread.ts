import { parentPort } from 'node:worker_threads';
import type { MiMaterials } from '@graftlab/db';
import { DocumentError } from '@graftlab/validation';
import { priorBatchWith, PriorUnavailable, type PriorBatchRequest } from './database-prior.proposer';
import { rankSpec } from './mi-model.service';
import { MiModelCache, NoTrainingData } from './model.cache';
import type { ThreadModelInfo, ThreadReply, ThreadRequest } from './model.thread-client';
import type { TrainingSet } from './training-records.mapping';

/**
 * The MI model's worker thread: holds one model cache per key ('rank', or a campaign's prior without its own runs),
 * trains when a request brings a new data version (with its training set), and answers rank and prior requests.
 * Training takes seconds; here it does not stall the process that asked.
 */
const caches = new Map<string, { cache: MiModelCache; version: string; set?: TrainingSet }>();

function cacheFor(key: string, version: string, set: TrainingSet | undefined): MiModelCache {
  let entry = caches.get(key);
  if (!entry) {
    const fresh: { cache?: MiModelCache; version: string; set?: TrainingSet } = { version, set };
    fresh.cache = new MiModelCache({
      version: () => Promise.resolve(fresh.version),
      load: () => {
        if (!fresh.set) throw new Error(`model thread: no training set for ${key} at ${fresh.version}`);
        return Promise.resolve(fresh.set);
      },
    });
    entry = fresh as { cache: MiModelCache; version: string; set?: TrainingSet };
    caches.set(key, entry);
  }
  entry.version = version;
  if (set) entry.set = set;
  return entry.cache;
}

async function handle(message: ThreadRequest): Promise<{ value: unknown; model: ThreadModelInfo }> {
  const cache = cacheFor(message.key, message.version, message.set);
  let state;
  try {
    state = await cache.current();
  } catch (e) {
    if (message.kind === 'prior' && e instanceof NoTrainingData) throw new PriorUnavailable(e.message);
    throw e;
  }
  const model: ThreadModelInfo = {
    modelVersion: state.model.version,
    dataVersion: state.dataVersion,
    trainingSize: state.trainingSize,
    mode: state.mode,
    trainingMs: state.trainingMs,
  };
  if (message.kind === 'rank')
    return { value: rankSpec(state, message.materials as MiMaterials, message.spec), model };
  return {
    value: priorBatchWith(state, message.materials as MiMaterials, message.request as PriorBatchRequest),
    model,
  };
}

parentPort?.on('message', (message: ThreadRequest) => {
  handle(message).then(
    ({ value, model }) =>
      parentPort!.postMessage({ id: message.id, ok: true, value, model } satisfies ThreadReply),
    (e: unknown) => {
      const error = e as Error;
      parentPort!.postMessage({
        id: message.id,
        ok: false,
        error: {
          name:
            e instanceof NoTrainingData
              ? 'NoTrainingData'
              : e instanceof PriorUnavailable
                ? 'PriorUnavailable'
                : error.name,
          message: error.message,
          ...(e instanceof DocumentError ? { problems: [...e.problems] } : {}),
        },
      } satisfies ThreadReply);
    },
  );
});
