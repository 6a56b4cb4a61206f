import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CampaignView } from '@graftlab/campaign';
import type { MiModelStatus, RankProposal, RankResponse } from '@graftlab/mi-service';
import { parseSafeJson } from '@graftlab/validation';
import { ApiClient } from '../api-client';
import { EXIT, processOutput, type CliOutput } from '../cli-output';
import { reportFailure } from './run.command';

export interface RankOptions {
  readonly spec: string;
  readonly top?: string;
  readonly json?: boolean;
  /** Turn the proposal of this rank into a campaign. */
  readonly campaign?: string;
  readonly protocol?: string;
  readonly budget?: string;
  readonly batchSize?: string;
  readonly name?: string;
  /** commander's --no-prior: false when given. */
  readonly prior?: boolean;
  /** How long to wait before saying that the model is training (default 1 s). */
  readonly progressAfterMs?: number;
  readonly progressEveryMs?: number;
}

const sig = (x: number, digits = 3) =>
  Math.abs(x) >= 10 ** digits ? x.toFixed(0) : Number(x.toPrecision(digits)).toString();

function targetLabel(p: RankProposal['predictions'][number]): string {
  const bounds = [p.min !== undefined ? `≥ ${p.min}` : '', p.max !== undefined ? `≤ ${p.max}` : '']
    .filter(Boolean)
    .join(' ');
  return `${p.property}${p.at ? ` @${p.at} h` : ''} (${bounds} ${p.unit === '1' ? '' : p.unit})`.replace(
    / \)/,
    ')',
  );
}

/** The ranking as a table: one row per proposal, mean ± sd per target, P(meet all). */
export function rankTable(res: RankResponse): string[] {
  const t = res.trainingSize;
  const lines = [
    `MI model ${res.modelVersion}: ${t.records} values from ${t.samples} samples (lab ${t.bySource.lab}, history ${t.bySource.history}, literature ${t.bySource.literature}); ${res.proposals.length} proposal(s)`,
  ];
  if (res.proposals.length === 0) return lines;
  const targets = res.proposals[0].predictions.map(targetLabel);
  const header = [
    '#',
    'base',
    'monomer',
    'P(all)',
    'method',
    'dose kGy',
    'conc wt%',
    'T °C',
    't h',
    ...targets,
  ];
  const rows = res.proposals.map((p) => [
    String(p.rank),
    p.basePolymer,
    p.monomers.map((m) => (p.monomers.length > 1 ? `${m.name} ${sig(m.fraction, 2)}` : m.name)).join('+'),
    p.probability.toFixed(3),
    p.conditions.method === 'simultaneous' ? 'simult.' : 'pre-irr.',
    sig(p.conditions.doseKGy),
    sig(p.conditions.concentrationWtPct),
    sig(p.conditions.temperatureC),
    sig(p.conditions.timeH),
    ...p.predictions.map((x) => `${sig(x.mean)} ± ${sig(x.sd, 2)}`),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = new Set([1, 2, 4]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [...lines, line(header), ...rows.map(line)];
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} "${text}" is not a positive whole number`);
  return n;
}

/**
 * Calls the API while telling the person that the model is being trained when the answer takes longer than a
 * second (the first ranking after new data trains the database-wide model).
 */
async function withProgress<T>(
  api: ApiClient,
  out: CliOutput,
  work: Promise<T>,
  options: RankOptions,
): Promise<T> {
  const started = Date.now();
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const tick = async () => {
    if (done) return;
    const status = await api.get<MiModelStatus>('/api/mi/model').catch(() => undefined);
    if (done) return;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const what = status?.state === 'training' ? 'training the MI model on the database' : 'ranking';
    out.err(`graftlab rank: ${what}… ${seconds} s`);
    shown = true;
    timer = setTimeout(() => void tick(), options.progressEveryMs ?? 2000);
  };
  timer = setTimeout(() => void tick(), options.progressAfterMs ?? 1000);
  try {
    return await work;
  } finally {
    done = true;
    clearTimeout(timer);
    if (shown) out.err(`graftlab rank: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/**
 * `graftlab rank --spec spec.json`: ranks base polymer × monomer × conditions for the spec's targets through the
 * API (POST /api/mi/rank); with `--campaign <n>` turns proposal n into a campaign (POST /api/mi/campaigns, the
 * ordinary campaign creation behind it). Exit 0, 1 refused (each problem with its pointer), 2 usage, 3 API
 * unreachable, 4 failed.
 */
export async function runRank(
  options: RankOptions,
  out: CliOutput = processOutput,
  api = new ApiClient(),
): Promise<number> {
  let spec: Record<string, unknown>;
  let top: number | undefined;
  let campaign: number | undefined;
  let budget: number | undefined;
  let batchSize: number | undefined;
  try {
    top = positiveInt('--top', options.top);
    campaign = positiveInt('--campaign', options.campaign);
    budget = positiveInt('--budget', options.budget);
    batchSize = positiveInt('--batch-size', options.batchSize);
  } catch (e) {
    out.err(`graftlab rank: ${(e as Error).message}`);
    return EXIT.usage;
  }
  try {
    const parsed = parseSafeJson(await readFile(options.spec, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('expected a JSON object {targets, candidates, conditions}');
    spec = { ...(parsed as Record<string, unknown>), ...(top ? { top } : {}) };
  } catch (e) {
    out.err(`${options.spec}: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  try {
    const ranking = await withProgress(api, out, api.post<RankResponse>('/api/mi/rank', spec), options);
    if (campaign === undefined) {
      if (options.json) out.out(JSON.stringify(ranking));
      else for (const l of rankTable(ranking)) out.out(l);
      return EXIT.ok;
    }
    const created = await api.post<{
      campaign: CampaignView;
      proposal: RankProposal;
      modelVersion: string;
      unmeasuredTargets: string[];
    }>('/api/mi/campaigns', {
      spec,
      proposal: campaign,
      modelVersion: ranking.modelVersion,
      ...(options.protocol ? { protocolId: options.protocol } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(budget ? { budget } : {}),
      ...(batchSize ? { batchSize } : {}),
      ...(options.prior === false ? { prior: 'none' } : {}),
    });
    if (options.json) {
      out.out(JSON.stringify(created));
      return EXIT.ok;
    }
    const v = created.campaign;
    const p = created.proposal;
    out.out(
      `campaign ${v.id} created from proposal #${p.rank} (${p.monomers.map((m) => m.name).join('+')} on ${p.basePolymer}, P(all) ${p.probability.toFixed(3)}) of MI model ${created.modelVersion}`,
    );
    out.out(
      `  protocol ${v.protocol.id} v${v.protocol.version}, budget ${v.progress.budget} experiments in batches of ${v.settings.batchSize}, prior: ${v.settings.prior}`,
    );
    if (created.unmeasuredTargets.length)
      out.out(`  not measured by the protocol's runs: ${created.unmeasuredTargets.join(', ')}`);
    out.out(`  follow it with: graftlab campaign watch ${v.id}`);
    return EXIT.ok;
  } catch (e) {
    return reportFailure(e, out);
  }
}

export function registerRankCommand(program: Command): void {
  program
    .command('rank')
    .description(
      'rank base polymer × monomer × conditions for target properties with the database-wide MI model; --campaign <n> starts a campaign from proposal n',
    )
    .requiredOption(
      '--spec <file>',
      'rank spec JSON: {"targets":[…],"candidates":{"basePolymers":[…],"monomers":[…]}}',
    )
    .option('--top <n>', 'at most n proposals')
    .option('--campaign <n>', 'turn proposal n into a campaign (protocol grafting that system)')
    .option('--protocol <id>', 'with --campaign: the stored protocol to use')
    .option('--budget <n>', 'with --campaign: experiments (default 12)')
    .option('--batch-size <n>', 'with --campaign: experiments per batch (default 3)')
    .option('--name <text>', 'with --campaign: campaign name')
    .option('--no-prior', 'with --campaign: no database prior for the campaign optimizer')
    .option('--json', 'machine-readable output', false)
    .action(async (options: RankOptions) => {
      process.exitCode = await runRank(options);
    });
}
