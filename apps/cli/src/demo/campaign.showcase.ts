import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CampaignView, SuggestionView } from '@graftlab/campaign';
import type { ApiClient } from '../api-client';
import type { CliOutput } from '../cli-output';
import { bestText, paramsText, readCampaignFile, watchCampaign } from '../commands/campaign.command';
import { campaignSvg } from './campaign.plot';

export interface CampaignShowcaseOptions {
  readonly api: ApiClient;
  readonly out: CliOutput;
  /** Experiments (default: the example's 24). */
  readonly budget?: number;
  /** Experiments per batch (default: the example's 4). */
  readonly batchSize?: number;
  /** Where the SVG plot goes. */
  readonly plotPath: string;
  /** The campaign file (default protocols/examples/campaign.example.json). */
  readonly campaignFile?: string;
  readonly seed?: number;
}

export interface CampaignShowcaseResult {
  readonly campaignId: string;
  readonly best: SuggestionView | null;
  /** Experiments used (runs queued by the campaign). */
  readonly experiments: number;
  /** The experiment that met the target, when one did. */
  readonly targetMetAt: number | null;
  readonly wallSeconds: number;
  readonly plotPath: string;
  readonly view: CampaignView;
}

/** The repository root: the nearest ancestor holding the example campaign (source tree or dist/). */
function exampleCampaign(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'protocols', 'examples', 'campaign.example.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('protocols/examples/campaign.example.json not found');
  }
}

/**
 * The closed loop on the virtual lab, end to end through the API: creates the example campaign (PE/PP + GMA
 * emulsion, DG 100 ± 5 % with the least dose), follows it until it completes (the worker's driver proposes,
 * queues and learns), prints a summary and writes an SVG plot of the objective against the experiment number.
 */
export async function runCampaignShowcase(options: CampaignShowcaseOptions): Promise<CampaignShowcaseResult> {
  const { api, out } = options;
  const started = Date.now();
  const body = await readCampaignFile(options.campaignFile ?? exampleCampaign());
  const definition = {
    ...body,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
  const created = await api.post<CampaignView>('/api/campaigns', definition);
  out.out('');
  out.out(`Closed-loop campaign ${created.id}: ${created.name ?? ''}`);
  out.out(
    `   budget ${created.progress.budget} experiments in batches of ${created.settings.batchSize}; optimizer ${created.settings.optimizer.kind} (${created.settings.strategy}), seed ${created.settings.seed}`,
  );
  const view = await watchCampaign(api, created.id, out, { pollMs: 1000 });
  const wallSeconds = (Date.now() - started) / 1000;
  const targetMetAt = view.targetMetBy
    ? (view.suggestions.find((s) => s.id === view.targetMetBy)?.experiment ?? null)
    : null;
  out.out('');
  out.out(`   ${view.stopReason ?? view.state}`);
  out.out(
    `   experiments used: ${view.progress.experiments} of ${view.progress.budget} (${view.progress.completed} completed, ${view.progress.failed} failed, ${view.progress.rejected} refused)`,
  );
  if (targetMetAt !== null) out.out(`   target met at experiment ${targetMetAt}`);
  out.out(`   ${bestText(view)}`);
  if (view.best) out.out(`   best conditions: ${paramsText(view.best.params)}`);
  out.out(`   wall time ${wallSeconds.toFixed(0)} s`);
  await mkdir(path.dirname(path.resolve(options.plotPath)), { recursive: true });
  await writeFile(options.plotPath, campaignSvg(view));
  out.out(`   plot: ${options.plotPath}`);
  return {
    campaignId: view.id,
    best: view.best,
    experiments: view.progress.experiments,
    targetMetAt,
    wallSeconds,
    plotPath: options.plotPath,
    view,
  };
}
