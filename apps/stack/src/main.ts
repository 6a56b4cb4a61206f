import 'reflect-metadata';
import { loadConfig } from '@graftlab/config';
import { exitOnStartupError } from '@graftlab/observability';
import { startStack } from '@graftlab/stack';

/** `npm start`: the whole stack (embedded services where unset, virtual lab, worker, API), up until Ctrl-C. */
async function main(): Promise<void> {
  const config = loadConfig();
  const say = (line: string) => process.stdout.write(`graftlab: ${line}\n`);
  const stack = await startStack({ config, log: say });
  say(
    `API and dashboard on ${stack.apiUrl}/ (OpenAPI ${stack.apiUrl}/api/docs, health ${stack.apiUrl}/health)`,
  );
  say(`inventory ${config.lab.inventoryPath}; press Ctrl-C to stop`);
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) return;
    signalled = true;
    say(`${signal}: stopping (workers put devices in their safe state)`);
    void stack.stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const reason = await stack.stopped;
  say(`stopped: ${reason}`);
  process.exitCode = signalled ? 0 : 1;
}

main().catch(exitOnStartupError('start'));
