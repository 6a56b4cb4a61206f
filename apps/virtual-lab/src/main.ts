#!/usr/bin/env node
import { ConfigError, loadConfig } from '@graftlab/config';
import { loadInventory } from '@graftlab/inventory';
import { describeVirtualLab, startVirtualLab } from '@graftlab/twins';
import { DocumentError } from '@graftlab/validation';

/** The virtual lab alone: every twin of the inventory, until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const inventory = loadInventory(config.lab.inventoryPath);
  const lab = await startVirtualLab({
    inventory,
    mqttUrl: config.mqtt.url ?? 'mqtt://127.0.0.1:1883',
    mqttUsername: config.mqtt.username,
    mqttPassword: config.mqtt.password,
    mqttProtocolVersion: config.mqtt.protocolVersion,
    clockSpeed: config.virtualLab.clockSpeed,
    clockOriginMs: config.virtualLab.clockOriginMs,
    seed: config.virtualLab.seed,
    labId: config.lab.id ?? inventory.id,
  });
  process.stdout.write(
    `virtual lab ${lab.labId}: ${lab.twins.size} twins, clock x${config.virtualLab.clockSpeed}, seed ${config.virtualLab.seed}\n`,
  );
  for (const line of describeVirtualLab(lab)) process.stdout.write(line + '\n');
  process.send?.({ type: 'ready', app: 'virtual-lab' });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void lab.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  // Configuration and inventory problems are one line, not a stack trace.
  if (e instanceof ConfigError || e instanceof DocumentError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`virtual-lab: ${(e as Error).message}\n`);
  process.exit(1);
});
