/** The closed catalogue of jobs and their payloads. Startup fails when one has no handler. */
export interface JobPayloads {
  /** Execute (or continue after a crash) one run on the station whose queue holds the job. */
  'run.execute': { readonly runId: string; readonly continuation: number };
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: readonly JobName[] = ['run.execute'];

export type JobHandlers = {
  [K in JobName]: (payload: JobPayloads[K], signal: AbortSignal) => Promise<unknown>;
};

/** Throws naming every job without a handler (immich's start-up rule). */
export function assertEveryJobHandled(handlers: Partial<Record<string, unknown>>): void {
  const missing = JOB_NAMES.filter((name) => typeof handlers[name] !== 'function');
  if (missing.length) throw new Error(`no handler for job(s): ${missing.join(', ')}`);
}
