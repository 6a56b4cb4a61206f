import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { configToEnv, inheritedEnv, type AppConfig } from '@graftlab/config';
import { appEntry, type StackApp } from './app-entry';
import { resolveInfrastructure } from './infrastructure';

export interface StackOptions {
  readonly config: AppConfig;
  /** Number of worker processes (each owns the stations given by `stationsPerWorker`, or all). */
  readonly workers?: number;
  readonly stationsPerWorker?: readonly (readonly string[])[];
  readonly startVirtualLab?: boolean;
  /** Human-readable progress lines. */
  readonly log?: (line: string) => void;
  /** Child output: inherit (npm start), ignore, or appended to a log file (demo, tests). */
  readonly childStdio?: 'inherit' | 'ignore' | { readonly logFile: string };
}

interface Child {
  readonly name: string;
  readonly app: StackApp;
  readonly env: Record<string, string>;
  process: ChildProcess;
  restarts: number;
  /** Set by killWorker: how long the next restart waits (a worker that stays down, for lease take-over tests). */
  restartDelayMs?: number;
}

export interface RunningStack {
  readonly apiUrl: string;
  readonly config: AppConfig;
  /** Stops the apps (API first, then workers drive devices safe, then the twins) and the embedded services. */
  stop(): Promise<void>;
  /** Resolves when the stack stopped on its own (a child that cannot be restarted died). */
  readonly stopped: Promise<string>;
  /** Sends SIGKILL to a worker (crash tests); the supervisor restarts it, after `restartAfterMs` if given. */
  killWorker(index: number, options?: { restartAfterMs?: number }): void;
}

const READY_TIMEOUT_MS = 60_000;
/** Starts tried for one restart of a crashed worker, 2, 4, 8 and 16 s apart (half a minute in all). */
const RESTART_ATTEMPTS = 5;

/**
 * The whole stack in one process tree: embedded services where no URL is set, then the virtual lab,
 * the workers (which own the devices) and the API, each a child process that reports `ready` over IPC.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? (() => undefined);
  const infra = await resolveInfrastructure(options.config, log);
  // Every child measures lab time from the same origin, so the twins' clock and the engine's agree.
  const config = {
    ...infra.config,
    virtualLab: {
      ...infra.config.virtualLab,
      clockOriginMs: infra.config.virtualLab.clockOriginMs ?? Math.floor(Date.now()),
    },
  };
  const baseEnv = { ...inheritedEnv(), ...configToEnv(config) } as Record<string, string>;
  const children: Child[] = [];
  let stopping = false;
  let resolveStopped!: (reason: string) => void;
  const stopped = new Promise<string>((r) => (resolveStopped = r));

  const spawnChild = (child: Omit<Child, 'process' | 'restarts'>): Promise<Child> => {
    const { script, execArgv } = appEntry(child.app);
    const stdio = options.childStdio ?? 'inherit';
    const out =
      typeof stdio === 'object' ? openSync(stdio.logFile, 'a') : stdio === 'ignore' ? 'ignore' : 'inherit';
    const proc = fork(script, [], {
      env: { ...baseEnv, ...child.env },
      execArgv,
      stdio: ['ignore', out, typeof stdio === 'object' ? out : 'inherit', 'ipc'],
    });
    if (typeof out === 'number') proc.once('exit', () => closeSync(out));
    const entry: Child = { ...child, process: proc, restarts: 0 };
    return new Promise<Child>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${child.name} did not become ready within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      proc.on('message', (m: { type?: string }) => {
        if (m?.type === 'ready') {
          clearTimeout(timer);
          resolve(entry);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${child.name} exited with code ${code} while starting`));
      });
    });
  };

  const watch = (child: Child) => {
    child.process.once('exit', (code, signal) => {
      if (stopping) return;
      if (child.app === 'worker' && child.restarts < 5) {
        // A crashed worker is restarted: it reconciles its journal before taking jobs again.
        log(`${child.name} exited (${signal ?? code}); restarting`);
        const restarts = child.restarts + 1;
        const delay = child.restartDelayMs ?? 0;
        child.restartDelayMs = undefined;
        const attempt = (n: number, wait: number): void => {
          new Promise((r) => setTimeout(r, wait))
            .then(() => (stopping ? Promise.reject(new Error('stack stopping')) : spawnChild(child)))
            .then((fresh) => {
              child.process = fresh.process;
              child.restarts = restarts;
              watch(child);
            })
            .catch((e: Error) => {
              if (stopping) return;
              // A start can fail for a while (the database or broker still coming back): try again, backing off.
              if (n < RESTART_ATTEMPTS) {
                log(`${child.name} could not start (${e.message}); trying again in ${2 ** n} s`);
                attempt(n + 1, 2 ** n * 1000);
              } else void shutdown(`${child.name} could not restart: ${e.message}`);
            });
        };
        attempt(1, delay);
        return;
      }
      void shutdown(`${child.name} exited (${signal ?? code})`);
    });
  };

  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    const order: StackApp[] = ['api', 'worker', 'virtual-lab'];
    for (const app of order) {
      await Promise.all(
        children
          .filter((c) => c.app === app)
          .map((c) => terminate(c.process, config.worker.shutdownTimeoutMs)),
      );
    }
    await infra.stop();
    resolveStopped(reason);
  };

  try {
    if (options.startVirtualLab ?? true) {
      const lab = await spawnChild({ name: 'virtual-lab', app: 'virtual-lab', env: {} });
      children.push(lab);
      watch(lab);
    }
    const workers = options.workers ?? 1;
    const started = await Promise.all(
      Array.from({ length: workers }, (_, i) => {
        const stations = options.stationsPerWorker?.[i];
        return spawnChild({
          name: workers > 1 ? `worker-${i + 1}` : 'worker',
          app: 'worker',
          env: {
            GRAFTLAB_WORKER_ID: `worker-${i + 1}`,
            ...(stations ? { GRAFTLAB_STATIONS: stations.join(',') } : {}),
          },
        });
      }),
    );
    for (const w of started) {
      children.push(w);
      watch(w);
    }
    const api = await spawnChild({ name: 'api', app: 'api', env: {} });
    children.push(api);
    watch(api);
  } catch (e) {
    await shutdown((e as Error).message);
    throw e;
  }

  return {
    apiUrl: `http://${config.http.host}:${config.http.port}`,
    config,
    stop: async () => {
      await shutdown('stopped');
    },
    stopped,
    killWorker(index: number, options: { restartAfterMs?: number } = {}) {
      const worker = children.filter((c) => c.app === 'worker')[index];
      if (!worker) return;
      worker.restartDelayMs = options.restartAfterMs;
      worker.process.kill('SIGKILL');
    },
  };
}

/** SIGTERM, then SIGKILL after the bounded wait. */
async function terminate(proc: ChildProcess, timeoutMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGKILL');
    await exited;
  }
}
