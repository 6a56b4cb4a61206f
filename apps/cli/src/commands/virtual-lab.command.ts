import { ConfigError, loadConfig } from '@graftlab/config';
import { connectMqttLink, topics, uniqueClientId } from '@graftlab/devices';
import { loadInventory } from '@graftlab/inventory';
import {
  describeVirtualLab,
  startVirtualLab,
  type Fault,
  type FaultKind,
  type VirtualLab,
} from '@graftlab/twins';
import { DocumentError } from '@graftlab/validation';
import type { Command } from 'commander';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

const FAULT_KINDS: readonly FaultKind[] = [
  'no-reply',
  'garble',
  'partial',
  'device-error',
  'stuck-shutter',
  'never-settle',
  'stall',
  'open-circuit',
  'drop-connection',
  'unplug',
  'slow',
];

export interface VirtualLabCommandOptions {
  readonly inventory?: string;
  readonly speed?: number;
  readonly seed?: number;
  readonly labId?: string;
}

function oneLineError(e: unknown, out: CliOutput): number {
  if (e instanceof ConfigError || e instanceof DocumentError) {
    out.err(e.message);
    return EXIT.invalid;
  }
  out.err(`virtual-lab: ${(e as Error).message}`);
  return EXIT.unreachable;
}

/** Starts the twins of an inventory (config defaults, options override). */
export async function startVirtualLabFromConfig(options: VirtualLabCommandOptions): Promise<VirtualLab> {
  const config = loadConfig();
  const inventory = loadInventory(options.inventory ?? config.lab.inventoryPath);
  return startVirtualLab({
    inventory,
    mqttUrl: config.mqtt.url ?? 'mqtt://127.0.0.1:1883',
    mqttUsername: config.mqtt.username,
    mqttPassword: config.mqtt.password,
    mqttProtocolVersion: config.mqtt.protocolVersion,
    clockSpeed: options.speed ?? config.virtualLab.clockSpeed,
    seed: options.seed ?? config.virtualLab.seed,
    labId: options.labId ?? config.lab.id ?? inventory.id,
  });
}

/** `graftlab virtual-lab`: runs the twins in the foreground until SIGINT/SIGTERM (or the signal aborts). */
export async function runVirtualLab(
  options: VirtualLabCommandOptions,
  out: CliOutput,
  stop?: AbortSignal,
): Promise<number> {
  let lab: VirtualLab;
  try {
    lab = await startVirtualLabFromConfig(options);
  } catch (e) {
    return oneLineError(e, out);
  }
  out.out(`virtual lab ${lab.labId}: ${lab.twins.size} twins (Ctrl-C stops)`);
  for (const line of describeVirtualLab(lab)) out.out(line);
  const signal = await new Promise<string>((resolve) => {
    const onSignal = (s: NodeJS.Signals) => () => resolve(s);
    const int = onSignal('SIGINT');
    const term = onSignal('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
    stop?.addEventListener('abort', () => resolve('abort'), { once: true });
    if (stop?.aborted) resolve('abort');
  });
  await lab.stop();
  out.err(`virtual lab stopped (${signal})`);
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
}

export interface FaultCommandOptions {
  readonly clear?: boolean;
  readonly once?: boolean;
  readonly code?: string;
  readonly delayMs?: number;
  readonly labId?: string;
  readonly inventory?: string;
}

/** `graftlab virtual-lab fault <device> <kind>`: publishes to graftlab/<lab>/virtual-lab/faults. */
export async function runFaultCommand(
  device: string,
  kind: string,
  options: FaultCommandOptions,
  out: CliOutput,
): Promise<number> {
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    out.err(`unknown fault kind "${kind}"; expected one of ${FAULT_KINDS.join(', ')}`);
    return EXIT.usage;
  }
  try {
    const config = loadConfig();
    const labId =
      options.labId ?? config.lab.id ?? loadInventory(options.inventory ?? config.lab.inventoryPath).id;
    const link = await connectMqttLink({
      url: config.mqtt.url ?? 'mqtt://127.0.0.1:1883',
      username: config.mqtt.username,
      password: config.mqtt.password,
      labId,
      protocolVersion: config.mqtt.protocolVersion,
      clientId: uniqueClientId('graftlab-fault'),
    });
    const fault = (
      kind === 'slow'
        ? { kind, delayMs: options.delayMs ?? 1000 }
        : kind === 'device-error'
          ? { kind, code: options.code }
          : { kind }
    ) as Fault;
    const message = options.clear ? { device, clear: true, kind } : { device, fault, once: options.once };
    await link.publish(topics.virtualLabFaults(labId), JSON.stringify(message), { qos: 1 });
    await link.close();
    out.out(options.clear ? `cleared ${kind} on ${device}` : `injected ${kind} into ${device}`);
    return EXIT.ok;
  } catch (e) {
    return oneLineError(e, out);
  }
}

export function registerVirtualLabCommand(program: Command, output: CliOutput = processOutput): void {
  const vl = program
    .command('virtual-lab')
    .description(
      'run the twins of an inventory in the foreground (serial twins on TCP, MQTT twins on the broker)',
    )
    .option('--inventory <file>', 'lab inventory (default LAB_INVENTORY)')
    .option('--speed <n>', 'clock speed-up (3600 = one simulated hour per second)', (v) => Number(v))
    .option('--seed <s>', 'seed of the virtual lab', (v) => Number(v))
    .option('--lab-id <id>', 'lab id in MQTT topics (default LAB_ID or the inventory id)')
    .action(async (opts: VirtualLabCommandOptions) => {
      process.exitCode = await runVirtualLab(opts, output);
    });
  vl.command('fault <device> <kind>')
    .description(`inject (or --clear) a fault into a running virtual lab: ${FAULT_KINDS.join(', ')}`)
    .option('--clear', 'clear this fault kind instead')
    .option('--once', 'the fault clears itself after it fired')
    .option('--code <code>', 'device-error: the instrument error code')
    .option('--delay-ms <ms>', 'slow: answer this late', (v) => Number(v))
    .option('--lab-id <id>', 'lab id in MQTT topics (default LAB_ID or the inventory id)')
    .option('--inventory <file>', 'lab inventory, for its id (default LAB_INVENTORY)')
    .action(async (device: string, kind: string, opts: FaultCommandOptions) => {
      process.exitCode = await runFaultCommand(device, kind, opts, output);
    });
}
