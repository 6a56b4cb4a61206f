import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ApiClient, ApiError, ApiUnreachable } from '../api-client';
import { EXIT, processOutput, type CliOutput } from '../cli-output';
import { watchRuns, type RunView } from '../demo/run-watch';

export interface RunCommandOptions {
  readonly param: string[];
  readonly priority?: number;
  readonly idempotencyKey?: string;
  readonly watch: boolean;
  readonly json: boolean;
}

/** `--param dose=30 --param basePolymer=PE` (or another flag's pairs): numbers become numbers, the rest stays text. */
export function parseParams(pairs: readonly string[], flag = '--param'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`${flag} ${pair}: expected name=value`);
    const raw = pair.slice(i + 1);
    out[pair.slice(0, i)] =
      raw.trim() !== '' && Number.isFinite(Number(raw))
        ? Number(raw)
        : raw === 'true'
          ? true
          : raw === 'false'
            ? false
            : raw;
  }
  return out;
}

/** Maps a CLI failure to its one line and exit code. */
export function reportFailure(e: unknown, out: CliOutput): number {
  if (e instanceof ApiUnreachable) {
    out.err(`graftlab: ${e.message}`);
    return EXIT.unreachable;
  }
  if (e instanceof ApiError) {
    const body = e.body as { problems?: { pointer: string; message: string }[] } | undefined;
    if (body?.problems?.length) for (const p of body.problems) out.err(`${p.pointer || '/'}: ${p.message}`);
    else out.err(`graftlab: ${e.message}`);
    return e.status === 422 || e.status === 400 ? EXIT.invalid : EXIT.failed;
  }
  out.err(`graftlab: ${(e as Error).message}`);
  return EXIT.failed;
}

/** `graftlab run <protocol.json>`: submits through the API; with --watch follows it to the end. */
export async function runProtocol(
  file: string,
  options: RunCommandOptions,
  out: CliOutput = processOutput,
  api = new ApiClient(),
): Promise<number> {
  let protocol: unknown;
  try {
    protocol = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    out.err(`${file}: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  try {
    const parameters = parseParams(options.param);
    const created = await api.post<{
      id: string;
      state: string;
      station: string;
      estimatedDurationS: number;
    }>('/api/runs', {
      protocol,
      parameters,
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    if (!options.watch) {
      if (options.json) out.out(JSON.stringify(created));
      else
        out.out(
          `run ${created.id} ${created.state} on ${created.station} (estimated ${(created.estimatedDurationS / 3600).toFixed(1)} h of lab time)`,
        );
      return EXIT.ok;
    }
    if (!options.json) out.out(`run ${created.id} queued on ${created.station}`);
    const [view] = await watchRuns(
      api,
      [created.id],
      options.json ? { ...out, interactive: false, out: () => undefined } : out,
      { timeoutMs: 7 * 24 * 3600_000 },
    );
    report(view, options.json, out);
    return view.state === 'completed' ? EXIT.ok : EXIT.failed;
  } catch (e) {
    return reportFailure(e, out);
  }
}

function report(view: RunView, json: boolean, out: CliOutput): void {
  if (json) {
    out.out(JSON.stringify(view));
    return;
  }
  out.out(`run ${view.id}: ${view.state}${view.reason ? ` (${view.reason})` : ''}`);
  for (const [name, r] of Object.entries(view.results)) {
    out.out(`  ${name} = ${r.value.toFixed(2)} ± ${(r.uncertainty ?? 0).toFixed(2)} ${r.unit ?? ''}`);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('submit a protocol as a run through the API (--watch follows it with progress bars)')
    .argument('<protocol>', 'protocol JSON file')
    .option('--param <name=value>', 'parameter value (repeatable)', collect, [])
    .option('--priority <n>', 'higher runs first', (v) => Number(v))
    .option('--idempotency-key <key>', 'submitting again with the same key returns the same run')
    .option('--watch', 'follow the run until it ends', false)
    .option('--json', 'machine-readable output', false)
    .action(async (file: string, opts: RunCommandOptions) => {
      process.exitCode = await runProtocol(file, opts);
    });

  const runs = program.command('runs').description('control runs (pause, resume, abort)');
  for (const action of ['pause', 'resume', 'abort'] as const) {
    runs
      .command(action)
      .argument('<id>', 'run id')
      .option('--reason <text>', 'why (kept in the audit trail)')
      .option('--resolution <done|redo>', 'resume: how to settle steps left uncertain')
      .description(`${action} a run`)
      .action(async (id: string, opts: { reason?: string; resolution?: string }) => {
        try {
          const body =
            action === 'resume'
              ? opts.resolution
                ? { resolution: opts.resolution }
                : {}
              : opts.reason
                ? { reason: opts.reason }
                : {};
          const r = await new ApiClient().post<{ id: string; state: string }>(
            `/api/runs/${id}/${action}`,
            body,
          );
          processOutput.out(`run ${r.id}: ${action} requested (${r.state})`);
        } catch (e) {
          process.exitCode = reportFailure(e, processOutput);
        }
      });
  }

  program
    .command('estop')
    .description('E-STOP: every device of the lab to its safe state at once; running runs abort')
    .option('--reason <text>', 'why (kept in the audit trail)')
    .action(async (opts: { reason?: string }) => {
      try {
        const r = await new ApiClient().post<{ workers: number }>(
          '/api/estop',
          opts.reason ? { reason: opts.reason } : {},
        );
        processOutput.out(`e-stop sent to ${r.workers} worker(s)`);
      } catch (e) {
        process.exitCode = reportFailure(e, processOutput);
      }
    });
}
