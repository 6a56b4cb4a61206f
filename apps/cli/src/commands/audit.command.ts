import type { Command } from 'commander';
import { ConfigError, loadConfig } from '@graftlab/config';
import { AuditRepository, openDatabase, type AuditVerification, type GraftlabDb } from '@graftlab/db';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

export interface AuditVerifyOptions {
  readonly json?: boolean;
}

/** Opens the MI database the configuration names (DATABASE_URL, else PGlite under DATA_DIR); one line when it cannot. */
export async function openConfiguredDatabase(out: CliOutput): Promise<GraftlabDb | number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      out.err(e.message);
      return EXIT.invalid;
    }
    throw e;
  }
  try {
    return await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
  } catch (e) {
    const where = config.database.url
      ? 'DATABASE_URL'
      : `PGlite in ${config.database.dataDir} (a running stack holds it: set DATABASE_URL to the URL it serves)`;
    out.err(`cannot open the MI database (${where}): ${(e as Error).message}`);
    return EXIT.unreachable;
  }
}

/**
 * `graftlab audit verify`: recomputes the audit trail's hash chain from the first entry. Exit 0 when intact,
 * 4 naming the first broken entry (edited, missing or relinked), 3 when the database cannot be opened.
 */
export async function runAuditVerify(options: AuditVerifyOptions, out: CliOutput): Promise<number> {
  const db = await openConfiguredDatabase(out);
  if (typeof db === 'number') return db;
  let result: AuditVerification;
  try {
    result = await new AuditRepository(db).verifyAuditChain();
  } catch (e) {
    out.err(`cannot read the audit trail: ${(e as Error).message}`);
    return EXIT.unreachable;
  } finally {
    await db.close();
  }
  if (options.json) out.out(JSON.stringify(result));
  if (result.ok) {
    if (!options.json) out.out(`audit chain intact: ${result.entries} entries`);
    return EXIT.ok;
  }
  out.err(`audit chain broken at entry ${result.firstBrokenSeq}: ${result.reason}`);
  return EXIT.failed;
}

export function registerAuditCommand(program: Command, output: CliOutput = processOutput): void {
  const audit = program.command('audit').description('the append-only, hash-chained audit trail');
  audit
    .command('verify')
    .description('recompute the hash chain; exit 4 naming the first broken entry when it was tampered with')
    .option('--json', 'print the result as one JSON object')
    .action(async (opts: AuditVerifyOptions) => {
      process.exitCode = await runAuditVerify(opts, output);
    });
}
