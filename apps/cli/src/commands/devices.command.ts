import { realClock } from '@graftlab/clock';
import { ConfigError, loadConfig } from '@graftlab/config';
import {
  connectMqttLink,
  createDevice,
  isDeviceError,
  isMqttDriver,
  uniqueClientId,
  type AnyDevice,
  type MqttLink,
} from '@graftlab/devices';
import { loadInventory, type Inventory, type InventoryDevice } from '@graftlab/inventory';
import { DocumentError } from '@graftlab/validation';
import type { Command } from 'commander';
import { EXIT, processOutput, type CliOutput } from '../cli-output';

export interface DevicesCheckOptions {
  readonly inventory?: string;
  readonly json?: boolean;
  /** Overrides LAB_ID (topics graftlab/<lab>/...). */
  readonly labId?: string;
  /** Per-device budget, ms (default 4000): the whole check is bounded by it, all devices in parallel. */
  readonly timeoutMs?: number;
}

export interface DeviceCheckResult {
  readonly id: string;
  readonly driver: string;
  readonly transport: string;
  readonly identity?: string;
  readonly status: string;
  readonly ok: boolean;
  readonly rttMs?: number;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: no answer to ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function describeError(e: unknown): string {
  if (isDeviceError(e))
    return `${e.kind}: ${e.message.replace(/^[^:]+: /, '')}${e.code ? ` (${e.code})` : ''}`;
  return (e as Error).message;
}

async function checkDevice(
  device: InventoryDevice,
  ctx: { labId: string; mqtt?: MqttLink; mqttError?: string },
  budgetMs: number,
): Promise<DeviceCheckResult> {
  const base = { id: device.id, driver: device.driver, transport: device.transport };
  if (isMqttDriver(device.driver) && !ctx.mqtt)
    return { ...base, ok: false, status: `disconnected: ${ctx.mqttError ?? 'no MQTT broker'}` };
  let driver: AnyDevice | undefined;
  try {
    driver = createDevice(device, { clock: realClock, labId: ctx.labId, mqtt: ctx.mqtt });
    const d = driver;
    const timeoutMs = Math.min(device.timeoutMs, budgetMs);
    return await withDeadline(
      (async () => {
        await d.connect({ timeoutMs });
        const t0 = performance.now();
        const identity = await d.identify({ timeoutMs });
        const rttMs = performance.now() - t0;
        const status = await d.status({ timeoutMs });
        return {
          ...base,
          identity,
          ok: true,
          status: status.state === 'ok' ? 'ok' : `ok (${status.state})`,
          rttMs,
        };
      })(),
      budgetMs,
      device.id,
    );
  } catch (e) {
    return { ...base, ok: false, status: describeError(e) };
  } finally {
    await withDeadline(driver?.close() ?? Promise.resolve(), 1000, 'close').catch(() => undefined);
  }
}

function formatLine(r: DeviceCheckResult): string {
  const rtt = r.rttMs === undefined ? '-' : `${r.rttMs.toFixed(1)} ms`;
  return [
    r.id.padEnd(14),
    r.driver.padEnd(16),
    r.transport.padEnd(22),
    (r.identity ?? '-').padEnd(22),
    r.status,
    rtt,
  ].join(' ');
}

/** `graftlab devices check`: connects to every device in parallel; exit 3 when any is unreachable. */
export async function runDevicesCheck(options: DevicesCheckOptions, out: CliOutput): Promise<number> {
  let inventory: Inventory;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
    inventory = loadInventory(options.inventory ?? config.lab.inventoryPath);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DocumentError) {
      out.err(e.message);
      return EXIT.invalid;
    }
    throw e;
  }
  const labId = options.labId ?? config.lab.id ?? inventory.id;
  const budgetMs = options.timeoutMs ?? 4000;
  const url = config.mqtt.url ?? 'mqtt://127.0.0.1:1883';
  let mqtt: MqttLink | undefined;
  let mqttError: string | undefined;
  if (inventory.devices.some((d) => isMqttDriver(d.driver))) {
    try {
      mqtt = await connectMqttLink({
        url,
        username: config.mqtt.username,
        password: config.mqtt.password,
        labId,
        protocolVersion: config.mqtt.protocolVersion,
        clientId: uniqueClientId('graftlab-check'),
        connectTimeoutMs: Math.min(budgetMs, 3000),
      });
    } catch (e) {
      mqttError = describeError(e);
    }
  }
  try {
    const results = await Promise.all(
      inventory.devices.map((d) => checkDevice(d, { labId, mqtt, mqttError }, budgetMs)),
    );
    if (options.json) out.out(JSON.stringify(results));
    else for (const r of results) out.out(formatLine(r));
    const bad = results.filter((r) => !r.ok).length;
    if (!options.json)
      out.err(bad ? `${bad} of ${results.length} devices unreachable` : `all ${results.length} devices ok`);
    return bad ? EXIT.unreachable : EXIT.ok;
  } finally {
    await withDeadline(mqtt?.close() ?? Promise.resolve(), 1000, 'close').catch(() => undefined);
  }
}

export function registerDevicesCommand(program: Command, output: CliOutput = processOutput): void {
  const devices = program.command('devices').description('lab instruments of an inventory');
  devices
    .command('check')
    .description(
      'connect to every device and print one line each (id, driver, transport, identity, status, round trip)',
    )
    .option('--inventory <file>', 'lab inventory (default LAB_INVENTORY)')
    .option('--json', 'one JSON array instead of lines')
    .option('--lab-id <id>', 'lab id in MQTT topics (default LAB_ID or the inventory id)')
    .option('--timeout <ms>', 'per-device budget in ms', (v) => Number(v))
    .action(async (opts: { inventory?: string; json?: boolean; labId?: string; timeout?: number }) => {
      const code = await runDevicesCheck({ ...opts, timeoutMs: opts.timeout }, output);
      process.exitCode = code;
      // Bounded: a driver that leaves a socket open must not keep the check alive.
      setTimeout(() => process.exit(code), 500).unref();
    });
}
