import type { Command } from 'commander';
import { TokensRepository } from '@graftlab/db';
import { EXIT, processOutput, type CliOutput } from '../cli-output';
import { openConfiguredDatabase } from './audit.command';

const ROLES = ['scientist', 'operator', 'safety-officer', 'admin', 'instrument'] as const;

/**
 * `graftlab token create --role r --name n`: writes a token straight into the MI database (for the host's
 * administrator; through the API an admin uses POST /api/tokens). Prints the plaintext once.
 */
export async function runTokenCreate(
  options: { role: string; name: string; json?: boolean },
  out: CliOutput,
): Promise<number> {
  if (!(ROLES as readonly string[]).includes(options.role)) {
    out.err(`--role: expected one of ${ROLES.join(', ')}`);
    return EXIT.usage;
  }
  if (!/^[\w.@ -]{1,200}$/.test(options.name)) {
    out.err('--name: expected 1-200 letters, digits, spaces and . _ @ -');
    return EXIT.usage;
  }
  const db = await openConfiguredDatabase(out);
  if (typeof db === 'number') return db;
  try {
    const { id, token } = await new TokensRepository(db).create({ name: options.name, role: options.role });
    if (options.json) out.out(JSON.stringify({ id, name: options.name, role: options.role, token }));
    else {
      out.out(token);
      out.err(`token ${id} for ${options.name} (${options.role}); shown once, store it now`);
    }
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

export function registerTokenCommand(program: Command, output: CliOutput = processOutput): void {
  const token = program.command('token').description('API tokens (hashed at rest)');
  token
    .command('create')
    .description('create an API token for a role and print it once')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption('--name <name>', 'person, or device id for an instrument')
    .option('--json', 'print {id, name, role, token}')
    .action(async (opts: { role: string; name: string; json?: boolean }) => {
      process.exitCode = await runTokenCreate(opts, output);
    });
}
