import type { Command } from 'commander';
import { loadConfig } from '@graftlab/config';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import { compileProtocol, loadProtocolFile } from '@graftlab/protocol';
import { DocumentError, type Problem } from '@graftlab/validation';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

/** One problem as the line `<file>: <JSON pointer>: <message>` (the root pointer shown as "/"). */
export function problemLine(file: string, p: Problem): string {
  return `${file}: ${p.pointer || '/'}: ${p.message}`;
}

/** Loads the inventory or prints its problems; undefined means refused. */
export function loadInventoryOrReport(path: string, out: CliOutput): Inventory | undefined {
  try {
    return loadInventory(path);
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    for (const p of e.problems) out.err(problemLine(path, p));
    return undefined;
  }
}

/**
 * Validates each protocol file and compiles it with its parameter defaults against the inventory
 * (unknown devices, locations and positions, and the safety envelope are checked too).
 * Returns EXIT.ok when every file is valid, EXIT.invalid otherwise.
 */
export async function validateFiles(files: string[], inventoryPath: string, out: CliOutput): Promise<number> {
  const inventory = loadInventoryOrReport(inventoryPath, out);
  if (!inventory) return EXIT.invalid;
  let code: number = EXIT.ok;
  for (const file of files) {
    // Yield between files so a long list does not starve the event loop (Ctrl-C stays responsive).
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      compileProtocol(loadProtocolFile(file), {}, inventory);
      out.out(`${file}: valid`);
    } catch (e) {
      if (!(e instanceof DocumentError)) {
        out.err(`${file}: /: unexpected error: ${(e as Error).message}`);
        code = EXIT.failed;
        continue;
      }
      for (const p of e.problems) out.err(problemLine(file, p));
      if (code === EXIT.ok) code = EXIT.invalid;
    }
  }
  return code;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('validate protocol files and check them against the lab inventory')
    .argument('<file...>', 'protocol JSON files')
    .option('--inventory <path>', 'lab inventory (default: LAB_INVENTORY or devices/virtual-lab.json)')
    .action(async (files: string[], opts: { inventory?: string }) => {
      process.exitCode = await validateFiles(
        files,
        opts.inventory ?? loadConfig().lab.inventoryPath,
        processOutput,
      );
    });
}
