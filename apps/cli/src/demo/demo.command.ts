import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type AppConfig } from '@graftlab/config';
import { startStack, type RunningStack } from '@graftlab/stack';
import { ApiClient } from '../api-client';
import { EXIT, processOutput, type CliOutput } from '../cli-output';
import { runCampaignShowcase } from './campaign.showcase';
import { runsShowcase } from './runs.showcase';

export interface DemoOptions {
  readonly speed: number;
  readonly port?: number;
  readonly campaign: boolean;
}

/** Where the repository's protocols are, from the source tree or from dist/. */
function repoRoot(): string {
  const here = __dirname;
  return here.includes(`${path.sep}dist${path.sep}`)
    ? path.resolve(here, '..', '..', '..', '..', '..')
    : path.resolve(here, '..', '..', '..', '..');
}

/**
 * `npm run demo`: the whole stack on the virtual lab, four grafting runs on four stations with a degree of
 * grafting each, the MI export, then a closed-loop campaign; a readable summary; exits 0 when all went well.
 */
export async function runDemo(options: DemoOptions, out: CliOutput = processOutput): Promise<number> {
  const base = loadConfig();
  const dataDir = path.resolve(base.database.dataDir, 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const token = base.auth.bootstrapToken ?? randomBytes(24).toString('hex');
  const config: AppConfig = {
    ...base,
    http: { ...base.http, port: options.port ?? base.http.port },
    database: { ...base.database, dataDir },
    auth: { ...base.auth, bootstrapToken: token },
    virtualLab: { ...base.virtualLab, clockSpeed: options.speed },
    logLevel: base.logLevel === 'info' ? 'warn' : base.logLevel,
  };
  const started = Date.now();
  out.out(
    `graftlab demo: starting the stack (virtual lab at ${options.speed}× lab time; logs in ${path.join(dataDir, 'demo.log')})`,
  );
  let stack: RunningStack | undefined;
  const stop = () => void stack?.stop().then(() => process.exit(EXIT.interrupted));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    stack = await startStack({
      config,
      log: (line) => out.out(`   ${line}`),
      childStdio: { logFile: path.join(dataDir, 'demo.log') },
    });
    out.out(`   API and dashboard on ${stack.apiUrl}/`);
    const api = new ApiClient({ apiUrl: stack.apiUrl, token });
    const root = repoRoot();
    const runs = await runsShowcase(api, out, path.join(root, 'protocols'));

    out.out('');
    out.out('2. The MI database export (one row per sample, with DG ± u and the run manifest hash)');
    const csv = await api.request<string>('GET', '/api/samples?format=csv');
    const exportPath = path.join(dataDir, 'samples.csv');
    writeFileSync(exportPath, typeof csv === 'string' ? csv : JSON.stringify(csv));
    const lines = String(csv).trim().split('\n');
    out.out(`   ${lines.length - 1} samples exported to ${exportPath}`);
    out.out(`   columns: ${lines[0].split(',').slice(0, 12).join(', ')}, ...`);

    let campaignOk = true;
    if (options.campaign) {
      out.out('');
      out.out(
        '3. Closed loop: the optimizer proposes, the lab runs, the MI database learns (target DG 100 ± 5 % with the least dose)',
      );
      const result = await runCampaignShowcase({ api, out, plotPath: path.join(dataDir, 'campaign.svg') });
      campaignOk = result.experiments > 0 && result.best !== null;
    }

    // A sample invalidated by a missed time window is a correct outcome (the run completes and says why);
    // the demo fails when a run does not complete or no degree of grafting was measured at all.
    const ok =
      campaignOk &&
      runs.every((r) => r.state === 'completed') &&
      runs.some((r) => r.results.degreeOfGrafting);
    out.out('');
    out.out(
      `graftlab demo: ${ok ? 'done' : 'finished with problems'} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    return ok ? EXIT.ok : EXIT.failed;
  } catch (e) {
    out.err(`graftlab demo: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await stack?.stop();
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Start the stack on the virtual lab, run grafting experiments and a closed-loop campaign, print a summary',
    )
    .option('--speed <n>', 'lab-clock speed-up (lab ms per real ms)', (v) => Number(v), 7200)
    .option('--port <n>', 'HTTP port of the API', (v) => Number(v))
    .option('--no-campaign', 'skip the closed-loop campaign')
    .action(async (opts: { speed: number; port?: number; campaign: boolean }) => {
      process.exitCode = await runDemo({ speed: opts.speed, port: opts.port, campaign: opts.campaign });
    });
}
