import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  STRATEGIES,
  parseObservations,
  parseSpace,
  suggest,
  type Observation,
  type SearchSpace,
  type Strategy,
} from '@graftlab/optimizer';
import { DocumentError, parseSafeJson } from '@graftlab/validation';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

export interface SuggestArgs {
  readonly space: string;
  readonly observations?: string;
  readonly batch: string | number;
  readonly seed?: string | number;
  readonly strategy?: string;
  /** Comma-separated parameters the whole batch shares (e.g. "dose"). */
  readonly groupBy?: string;
}

function integer(value: string | number | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

/** Reads and parses one file; its problems are printed as `<file>: <pointer>: <message>`. */
async function load<T>(file: string, parse: (raw: unknown) => T, out: CliOutput): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    out.err(`${file}: cannot read: ${(e as Error).message}`);
    return undefined;
  }
  try {
    return parse(parseSafeJson(text));
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    for (const p of e.problems) out.err(`${file}: ${p.pointer || '/'}: ${p.message}`);
    return undefined;
  }
}

/**
 * `graftlab suggest`: the next batch for a search space and the observations so far, printed as JSON
 * ({"candidates":[{"params":{...}}, ...], "modelVersion", "strategy"}). Same inputs and seed, same output.
 */
export async function suggestCommand(args: SuggestArgs, out: CliOutput): Promise<number> {
  const batchSize = integer(args.batch, 0);
  if (batchSize === undefined || batchSize < 1 || batchSize > 100) {
    out.err(
      `graftlab suggest: --batch must be an integer from 1 to 100, found ${JSON.stringify(args.batch)}`,
    );
    return EXIT.usage;
  }
  const seed = integer(args.seed, 0);
  if (seed === undefined) {
    out.err(`graftlab suggest: --seed must be an integer, found ${JSON.stringify(args.seed)}`);
    return EXIT.usage;
  }
  const strategy = args.strategy ?? 'bayesian';
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    out.err(`graftlab suggest: --strategy must be one of ${STRATEGIES.join(', ')}, found "${strategy}"`);
    return EXIT.usage;
  }
  const space: SearchSpace | undefined = await load(args.space, parseSpace, out);
  if (!space) return EXIT.invalid;
  let observations: Observation[] = [];
  if (args.observations) {
    const parsed = await load(args.observations, (raw) => parseObservations(raw, space), out);
    if (!parsed) return EXIT.invalid;
    observations = parsed;
  }
  const groupBy = args.groupBy
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = (groupBy ?? []).filter((name) => !space.parameters.some((p) => p.name === name));
  if (unknown.length) {
    out.err(`graftlab suggest: --group-by names parameters not in ${args.space}: ${unknown.join(', ')}`);
    return EXIT.usage;
  }
  const response = suggest({
    space,
    observations,
    batchSize,
    seed,
    strategy: strategy as Strategy,
    ...(groupBy?.length ? { groupBy } : {}),
  });
  out.out(JSON.stringify(response));
  return EXIT.ok;
}

export function registerSuggestCommand(program: Command): void {
  program
    .command('suggest')
    .description('propose the next batch of experiments from a search space and the observations so far')
    .requiredOption('--space <file>', 'search space and objective (JSON)')
    .option('--observations <file>', 'observations so far: completed, failed and pending runs (JSON array)')
    .requiredOption('--batch <n>', 'number of candidates')
    .option('--seed <n>', 'random seed; same inputs and seed give the same candidates', '0')
    .option('--strategy <name>', `bayesian (default), random or space-filling`)
    .option('--group-by <names>', 'comma-separated parameters every candidate shares (e.g. dose)')
    .action(async (options: SuggestArgs) => {
      process.exitCode = await suggestCommand(options, processOutput);
    });
}
