import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '@graftlab/config';
import { importSamples, openDatabaseFromConfig, type GraftlabDb } from '@graftlab/db';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

/**
 * `graftlab import <file.csv>`: validates every row and imports all of them in one transaction, or
 * none and names each rejected row and field. Exit 0 imported, 1 refused. `open` is injectable for tests.
 */
export async function runImport(
  file: string,
  opts: { json?: boolean; fillDescriptors?: boolean },
  out: CliOutput,
  open: () => Promise<GraftlabDb> = () => openDatabaseFromConfig(loadConfig()),
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    out.err(`graftlab import: cannot read ${file}: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  let db: GraftlabDb;
  try {
    db = await open();
  } catch (e) {
    out.err(`graftlab import: cannot open the database: ${(e as Error).message}`);
    return EXIT.unreachable;
  }
  try {
    const report = await importSamples(db, text, { actor: 'cli', fillFromCatalogue: opts.fillDescriptors });
    if (opts.json) {
      out.out(JSON.stringify({ file, ...report }));
    } else if (report.ok) {
      out.out(`${file}: imported ${report.imported} sample${report.imported === 1 ? '' : 's'}`);
    } else {
      for (const r of report.rejected) out.err(`${file}: row ${r.row}: ${r.field}: ${r.reason}`);
      const badRows = new Set(report.rejected.map((r) => r.row)).size;
      out.err(`${file}: nothing imported (${report.rejected.length} problems in ${badRows} rows)`);
    }
    return report.ok ? EXIT.ok : EXIT.invalid;
  } catch (e) {
    out.err(`graftlab import: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await db.close();
  }
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import historical grafting records from CSV (all rows or none; see libs/db/EXPORT_COLUMNS.md)',
    )
    .argument('<file>', 'CSV file in the export layout')
    .option('--json', 'print the report as JSON')
    .option(
      '--fill-descriptors',
      'fill empty descriptors of catalogue materials from @graftlab/grafting-model (marked as catalogue values)',
    )
    .action(async (file: string, opts: { json?: boolean; fillDescriptors?: boolean }) => {
      process.exitCode = await runImport(file, opts, processOutput);
    });
}
