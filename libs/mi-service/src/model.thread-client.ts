import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MiMaterials } from '@graftlab/db';
import { DocumentError, type Problem } from '@graftlab/validation';
import { PriorUnavailable, type PriorBatch, type PriorBatchRequest } from './database-prior.proposer';
import type { RankResponse } from './mi-model.service';
import { NoTrainingData, type MiModelStatus, type TrainingSize } from './model.cache';
import type { TrainingSet } from './training-records.mapping';

export type ThreadRequest = {
  readonly id: number;
  /** Which model: 'rank' (the whole database) or 'prior:<campaign>' (without that campaign's runs). */
  readonly key: string;
  readonly version: string;
  /** Sent when the thread has not seen this data version for this key. */
  readonly set?: TrainingSet;
  readonly materials: MiMaterials;
} & (
  | { readonly kind: 'rank'; readonly spec: unknown }
  | { readonly kind: 'prior'; readonly request: PriorBatchRequest }
);

/** What the thread's model is, reported with every answer (GET /api/mi/model shows it). */
export interface ThreadModelInfo {
  readonly modelVersion: string;
  readonly dataVersion: string;
  readonly trainingSize: TrainingSize;
  readonly mode: 'fit' | 'incremental';
  readonly trainingMs: number;
}

export type ThreadReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly model: ThreadModelInfo }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string; readonly problems?: Problem[] };
    };

/** The worker file next to this one: the compiled .js, or the .ts source run through the repository's SWC hook. */
function threadEntry(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'model.thread.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  const register = path.resolve(__dirname, '..', '..', '..', 'scripts', 'register.cjs');
  return { file: path.join(__dirname, 'model.thread.ts'), execArgv: ['-r', register] };
}

/**
 * The MI model in a worker thread, seen from the process that uses it: a fit on a thousand records takes seconds,
 * and the API (e-stop, live feed, health) and the station worker must not stall for it. The data are read here
 * (database I/O is asynchronous) and sent to the thread only when their version changed; errors come back as the
 * errors they were (DocumentError with its pointers, NoTrainingData, PriorUnavailable).
 */
export class MiThread {
  private worker?: Worker;
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; key: string }
  >();
  /** Data version the thread holds per key. */
  private readonly sent = new Map<string, string>();
  private readonly last = new Map<string, ThreadModelInfo>();
  private training = new Set<string>();

  rank(
    version: string,
    load: () => Promise<TrainingSet>,
    materials: MiMaterials,
    spec: unknown,
  ): Promise<RankResponse> {
    return this.call<RankResponse>('rank', version, load, materials, { kind: 'rank', spec });
  }

  prior(
    campaignId: string,
    version: string,
    load: () => Promise<TrainingSet>,
    materials: MiMaterials,
    request: PriorBatchRequest,
  ): Promise<PriorBatch> {
    return this.call<PriorBatch>(`prior:${campaignId}`, version, load, materials, { kind: 'prior', request });
  }

  status(key: string): MiModelStatus {
    const last = this.last.get(key);
    return {
      state: this.training.has(key) ? 'training' : last ? 'ready' : 'empty',
      dataVersion: last?.dataVersion ?? null,
      modelVersion: last?.modelVersion ?? null,
      trainingSize: last?.trainingSize ?? null,
      mode: last?.mode ?? null,
      trainingMs: last?.trainingMs ?? null,
    };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the MI model thread was closed'));
    this.pending.clear();
    this.sent.clear();
    if (w) await w.terminate();
  }

  private async call<T>(
    key: string,
    version: string,
    load: () => Promise<TrainingSet>,
    materials: MiMaterials,
    body: { kind: 'rank'; spec: unknown } | { kind: 'prior'; request: PriorBatchRequest },
  ): Promise<T> {
    const fresh = this.sent.get(key) !== version;
    const set = fresh ? await load() : undefined;
    const worker = this.start();
    const id = this.next++;
    if (fresh) this.training.add(key);
    const reply = new Promise<unknown>((resolve, reject) =>
      this.pending.set(id, {
        resolve: (value) => resolve(value),
        reject,
        key,
      }),
    );
    worker.ref();
    worker.postMessage({ id, key, version, materials, ...(set ? { set } : {}), ...body } as ThreadRequest);
    if (fresh) this.sent.set(key, version);
    try {
      return (await reply) as T;
    } catch (e) {
      // The thread may not hold the set (it failed): send it again next time.
      if (fresh) this.sent.delete(key);
      throw e;
    } finally {
      if (fresh) this.training.delete(key);
      if (this.pending.size === 0) this.worker?.unref();
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const { file, execArgv } = threadEntry();
    const worker = new Worker(file, { execArgv });
    worker.on('message', (m: ThreadReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) {
        this.last.set(p.key, m.model);
        p.resolve(m.value);
      } else p.reject(rebuild(m.error));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`the MI model thread exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(e: Error): void {
    this.worker = undefined;
    this.sent.clear();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** The error class a thread error was: DocumentError, NoTrainingData or PriorUnavailable keep their meaning. */
function rebuild(error: { name: string; message: string; problems?: Problem[] }): Error {
  if (error.problems) return new DocumentError(error.problems);
  if (error.name === 'NoTrainingData') return new NoTrainingData(error.message);
  if (error.name === 'PriorUnavailable') return new PriorUnavailable(error.message);
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}
