import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pid of a stack's worker process, found by its environment (this lab's id and the worker's id), so a test
 * can stop and continue it (SIGSTOP/SIGCONT) the way a long pause or a suspended VM would.
 */
export function workerPid(labId: string, workerId: string): number {
  const want = [`LAB_ID=${labId}`, `GRAFTLAB_WORKER_ID=${workerId}`];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let env: string[];
    try {
      env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (want.every((w) => env.includes(w))) found.push(Number(entry));
  }
  if (found.length !== 1) throw new Error(`expected one ${workerId} of lab ${labId}, found ${found.length}`);
  return found[0];
}

/** The process's scheduler state from /proc (T when stopped). */
export function processState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '?';
}
