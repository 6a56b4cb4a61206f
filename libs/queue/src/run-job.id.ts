/** The run a job executes: its id is the run id, or `<runId>.c<n>` for a continuation (see runJobOptions). */
export function runIdOfJob(jobId: string): string {
  return jobId.replace(/\.c\d+$/, '');
}
