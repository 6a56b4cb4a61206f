import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '@graftlab/config';
import {
  exportMeasurementRows,
  exportRows,
  formatExport,
  MEASUREMENT_EXPORT_COLUMNS,
  openDatabaseFromConfig,
  type ExportFilters,
  type GraftlabDb,
} from '@graftlab/db';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

export interface ExportCommandOptions {
  format?: string;
  /** wide (one row per sample, default) or long (one row per measurement). */
  shape?: string;
  out?: string;
  campaign?: string;
  protocol?: string;
  from?: string;
  to?: string;
  basePolymer?: string;
  monomer?: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date or date-time; a bare date used as --to means the whole of that day (UTC). */
function parseDate(text: string, endOfDay: boolean): Date | undefined {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return undefined;
  return endOfDay && DATE_ONLY.test(text) ? new Date(d.getTime() + 86_400_000 - 1) : d;
}

/**
 * `graftlab export`: one tidy row per sample (columns in libs/db/EXPORT_COLUMNS.md) to stdout or --out.
 * Opens and closes the database itself; `open` is injectable for tests.
 */
export async function runExport(
  opts: ExportCommandOptions,
  out: CliOutput,
  open: () => Promise<GraftlabDb> = () => openDatabaseFromConfig(loadConfig()),
): Promise<number> {
  const format = opts.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') {
    out.err(`graftlab export: --format must be csv or json, not "${format}"`);
    return EXIT.usage;
  }
  const shape = opts.shape ?? 'wide';
  if (shape !== 'wide' && shape !== 'long') {
    out.err(`graftlab export: --shape must be wide or long, not "${shape}"`);
    return EXIT.usage;
  }
  const filters: ExportFilters = {
    campaignId: opts.campaign,
    protocolId: opts.protocol,
    basePolymer: opts.basePolymer,
    monomer: opts.monomer,
  };
  for (const [flag, text, end] of [
    ['--from', opts.from, false],
    ['--to', opts.to, true],
  ] as const) {
    if (text === undefined) continue;
    const date = parseDate(text, end);
    if (!date) {
      out.err(`graftlab export: ${flag} "${text}" is not a date (use 2025-01-31 or an ISO date-time)`);
      return EXIT.usage;
    }
    filters[flag === '--from' ? 'from' : 'to'] = date;
  }
  let db: GraftlabDb;
  try {
    db = await open();
  } catch (e) {
    out.err(`graftlab export: cannot open the database: ${(e as Error).message}`);
    return EXIT.unreachable;
  }
  try {
    const rows = shape === 'long' ? await exportMeasurementRows(db, filters) : await exportRows(db, filters);
    const text =
      shape === 'long'
        ? formatExport(rows, format, [...MEASUREMENT_EXPORT_COLUMNS])
        : formatExport(rows, format);
    if (opts.out) {
      await writeFile(opts.out, format === 'json' ? text + '\n' : text);
      const what = shape === 'long' ? 'measurement' : 'sample';
      out.err(`exported ${rows.length} ${what}${rows.length === 1 ? '' : 's'} to ${opts.out}`);
    } else {
      out.out(text.replace(/\r?\n$/, ''));
    }
    return EXIT.ok;
  } catch (e) {
    out.err(`graftlab export: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await db.close();
  }
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export one row per sample (provenance, materials, recipe, conditions, outputs, measurements) or per measurement',
    )
    .option('--format <format>', 'csv or json', 'csv')
    .option('--shape <shape>', 'wide: one row per sample; long: one row per measurement', 'wide')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--campaign <id>', 'only samples of this campaign')
    .option('--protocol <id>', 'only samples run with this protocol')
    .option('--from <date>', 'samples created at or after this date')
    .option('--to <date>', 'samples created on or before this date')
    .option('--base-polymer <name>', 'only this base polymer (name or id)')
    .option('--monomer <name>', 'only this monomer (name or id)')
    .action(async (opts: ExportCommandOptions) => {
      process.exitCode = await runExport(opts, processOutput);
    });
}
