import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { CampaignView, SuggestionView } from '@graftlab/campaign';
import { parseSafeJson } from '@graftlab/validation';
import { ApiClient, ApiError, ApiUnreachable } from '../api-client';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

const FINISHED = new Set(['completed', 'cancelled']);

/** Reads a campaign file; a `protocolFile` (relative to the campaign file) is sent inline as `protocol`. */
export async function readCampaignFile(file: string): Promise<Record<string, unknown>> {
  const body = parseSafeJson(await readFile(file, 'utf8')) as Record<string, unknown>;
  if (typeof body.protocolFile === 'string') {
    const protocolPath = path.resolve(path.dirname(file), body.protocolFile);
    const { protocolFile: _ignored, ...rest } = body;
    return { ...rest, protocol: parseSafeJson(await readFile(protocolPath, 'utf8')) };
  }
  return body;
}

/** One line per API failure; document problems one per line with their pointer. Returns the exit code. */
export function reportError(e: unknown, out: CliOutput, what: string): number {
  if (e instanceof ApiUnreachable) {
    out.err(`graftlab campaign: ${e.message}`);
    return EXIT.unreachable;
  }
  if (e instanceof ApiError) {
    const problems = (e.body as { problems?: { pointer: string; message: string }[] } | undefined)?.problems;
    if (problems?.length) for (const p of problems) out.err(`${what}: ${p.pointer || '/'}: ${p.message}`);
    else out.err(`graftlab campaign: ${e.message}`);
    return e.status === 422 || e.status === 400 ? EXIT.invalid : EXIT.failed;
  }
  if (e instanceof Error && e.name === 'DocumentError') {
    out.err(`${what}: ${e.message}`);
    return EXIT.invalid;
  }
  if (e instanceof Error && 'code' in e && (e as { code?: string }).code === 'ENOENT') {
    out.err(`${what}: cannot read: ${e.message}`);
    return EXIT.invalid;
  }
  throw e;
}

const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toString();

export function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : String(v)}`)
    .join(', ');
}

function resultText(s: SuggestionView): string {
  if (!s.result) return s.reason ?? s.run?.reason ?? '';
  return Object.entries(s.result.outputs)
    .map(
      ([k, v]) =>
        `${k} ${fmt(v)}${s.result!.uncertainty[k] !== undefined ? ` ± ${fmt(s.result!.uncertainty[k], 2)}` : ''}`,
    )
    .join(', ');
}

/** "best: DG 99.1 ± 5.0 at dose 12.3, …" */
export function bestText(view: CampaignView): string {
  if (!view.best) return 'best: none yet';
  return `best: ${resultText(view.best)} at ${paramsText(view.best.params)} (experiment ${view.best.experiment ?? '?'}, score ${fmt(view.best.result?.score ?? Number.NaN)})`;
}

export interface WatchOptions {
  readonly json?: boolean;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  /** Stop watching when the campaign waits for a person (nothing moves without one). */
  readonly stopWhenWaiting?: boolean;
}

/**
 * Follows a campaign until it completes: a progress bar of experiments against the budget on a terminal, a line
 * per change otherwise (or one JSON object per change with --json). Returns the final view.
 */
export async function watchCampaign(
  api: ApiClient,
  id: string,
  out: CliOutput,
  options: WatchOptions = {},
): Promise<CampaignView> {
  const bar =
    out.interactive && !options.json
      ? new SingleBar(
          {
            format: ' {bar} {value}/{total} experiments  {state}  {best}',
            hideCursor: true,
            clearOnComplete: false,
          },
          Presets.shades_classic,
        )
      : undefined;
  const seen = new Map<string, string>();
  const deadline = Date.now() + (options.timeoutMs ?? 2 * 3600_000);
  let started = false;
  let lastSummary = '';
  try {
    for (;;) {
      const view = await api.get<CampaignView>(`/api/campaigns/${encodeURIComponent(id)}`);
      const p = view.progress;
      const best = view.best?.result ? bestText(view).replace(/^best: /, 'best ') : '';
      if (bar) {
        if (!started) bar.start(p.budget, p.experiments, { state: view.state, best });
        bar.update(p.experiments, { state: view.state, best });
        started = true;
      }
      for (const s of view.suggestions) {
        const key = `${s.state}|${s.run?.state ?? ''}`;
        if (seen.get(s.id) === key) continue;
        seen.set(s.id, key);
        if (options.json) out.out(JSON.stringify({ campaign: view.id, suggestion: s }));
        else if (!bar) out.out(suggestionLine(s));
      }
      const summary = `${view.state} ${p.experiments}/${p.budget} experiments (${p.completed} done, ${p.failed} failed, ${p.inFlight} running, ${p.awaitingApproval} awaiting approval); ${bestText(view)}`;
      if (!options.json && !bar && summary !== lastSummary) out.out(`campaign ${view.id}: ${summary}`);
      lastSummary = summary;
      if (FINISHED.has(view.state)) {
        if (options.json) out.out(JSON.stringify({ campaign: view.id, final: view }));
        return view;
      }
      if (options.stopWhenWaiting && p.awaitingApproval > 0 && p.inFlight === 0) return view;
      if (Date.now() > deadline) throw new Error(`campaign ${id} did not finish in time`);
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  } finally {
    bar?.stop();
  }
}

export function suggestionLine(s: SuggestionView): string {
  const n = s.experiment !== null ? `#${String(s.experiment).padStart(2)}` : '   ';
  const run = s.run ? ` run ${s.run.id.slice(0, 8)} ${s.run.state}` : '';
  const result = resultText(s);
  return `${n} ${s.id}  ${s.state}${run}  ${paramsText(s.params)}${result ? `  → ${result}` : ''}`;
}

export async function campaignCreate(
  file: string,
  options: { json?: boolean },
  out: CliOutput,
  api = new ApiClient(),
): Promise<number> {
  try {
    const body = await readCampaignFile(file);
    const view = await api.post<CampaignView>('/api/campaigns', body);
    if (options.json) out.out(JSON.stringify(view));
    else {
      out.out(`campaign ${view.id} created: ${view.name ?? ''}`);
      out.out(
        `  protocol ${view.protocol.id} v${view.protocol.version}, budget ${view.progress.budget} experiments in batches of ${view.settings.batchSize}`,
      );
      out.out(`  follow it with: graftlab campaign watch ${view.id}`);
    }
    return EXIT.ok;
  } catch (e) {
    return reportError(e, out, file);
  }
}

export async function campaignWatch(
  id: string,
  options: { json?: boolean },
  out: CliOutput,
  api = new ApiClient(),
): Promise<number> {
  try {
    const view = await watchCampaign(api, id, out, { json: options.json });
    if (!options.json)
      out.out(`campaign ${view.id} ${view.state}: ${view.stopReason ?? ''}; ${bestText(view)}`);
    return EXIT.ok;
  } catch (e) {
    return reportError(e, out, `campaign ${id}`);
  }
}

export interface ApproveOptions {
  readonly all?: boolean;
  readonly reject?: boolean;
  readonly reason?: string;
  readonly json?: boolean;
}

/** Approves (or rejects) one proposal, or every proposal waiting (--all). Suggestion ids may be given short ("b2.3"). */
export async function campaignApprove(
  id: string,
  suggestion: string | undefined,
  options: ApproveOptions,
  out: CliOutput,
  api = new ApiClient(),
): Promise<number> {
  if (!suggestion && !options.all) {
    out.err('graftlab campaign approve: name a suggestion or give --all');
    return EXIT.usage;
  }
  if (options.reject && !options.reason) {
    out.err('graftlab campaign approve --reject: give --reason');
    return EXIT.usage;
  }
  try {
    const view = await api.get<CampaignView>(`/api/campaigns/${encodeURIComponent(id)}`);
    const waiting = view.suggestions.filter((s) => s.state === 'proposed');
    const targets = options.all
      ? waiting
      : view.suggestions.filter((s) => s.id === suggestion || s.id.endsWith(`.${suggestion}`));
    if (!targets.length) {
      out.err(
        options.all
          ? `campaign ${id}: no proposal waits for approval`
          : `campaign ${id}: no suggestion ${suggestion}`,
      );
      return options.all ? EXIT.ok : EXIT.invalid;
    }
    let code: number = EXIT.ok;
    for (const s of targets) {
      const action = options.reject ? 'reject' : 'approve';
      try {
        const done = await api.post<{ id: string; state: string; runId: string | null }>(
          `/api/campaigns/${encodeURIComponent(id)}/suggestions/${encodeURIComponent(s.id)}/${action}`,
          options.reason ? { reason: options.reason } : {},
        );
        out.out(
          options.json
            ? JSON.stringify(done)
            : `${s.id}: ${done.state}${done.runId ? ` (run ${done.runId})` : ''}`,
        );
      } catch (e) {
        code = reportError(e, out, s.id);
      }
    }
    return code;
  } catch (e) {
    return reportError(e, out, `campaign ${id}`);
  }
}

export function registerCampaignCommand(program: Command): void {
  const campaign = program
    .command('campaign')
    .description('closed-loop optimization campaigns (create, watch, approve)');
  campaign
    .command('create <file>')
    .description('start a campaign from a JSON file (protocols/examples/campaign.example.json)')
    .option('--json', 'print the campaign as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      process.exitCode = await campaignCreate(file, options, processOutput);
    });
  campaign
    .command('watch <id>')
    .description(
      'follow a campaign: experiments against the budget, best so far, each suggestion as it moves',
    )
    .option('--json', 'one JSON object per change, then the final campaign')
    .action(async (id: string, options: { json?: boolean }) => {
      process.exitCode = await campaignWatch(id, options, processOutput);
    });
  campaign
    .command('approve <id> [suggestion]')
    .description('approve a proposal (or --all waiting); --reject --reason r rejects instead')
    .option('--all', 'every proposal waiting for approval')
    .option('--reject', 'reject instead of approve')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--json', 'JSON output')
    .action(async (id: string, suggestion: string | undefined, options: ApproveOptions) => {
      process.exitCode = await campaignApprove(id, suggestion, options, processOutput);
    });
}
