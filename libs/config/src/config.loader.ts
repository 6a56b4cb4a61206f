import { hostname } from 'node:os';
import { envSchema } from './config.schema';
import type { AppConfig, EmbeddedService } from './config.types';

/** A configuration problem, reported as one line naming the variable, the value and what is expected. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; value: string | undefined; expected: string }[]) {
    super(
      'configuration error: ' +
        problems
          .map(
            (p) =>
              `${p.variable}=${p.value === undefined ? '(unset)' : JSON.stringify(p.value)}: ${p.expected}`,
          )
          .join('; '),
    );
    this.name = 'ConfigError';
  }
}

/** Blank values count as unset, the way shells and compose files write them. */
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}

export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const raw = present(env);
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '?');
        return { variable, value: raw[variable], expected: issue.message };
      }),
    );
  }
  const e = parsed.data;
  return Object.freeze({
    http: { port: e.PORT, host: e.HOST, rateLimitPerMinute: e.GRAFTLAB_API_RATE_LIMIT },
    redis: { url: e.REDIS_URL },
    mqtt: {
      url: e.MQTT_URL,
      username: e.MQTT_USERNAME,
      password: e.MQTT_PASSWORD,
      protocolVersion: Number(e.MQTT_PROTOCOL_VERSION) as 4 | 5,
    },
    database: { url: e.DATABASE_URL, dataDir: e.DATA_DIR },
    lab: { inventoryPath: e.LAB_INVENTORY, id: e.LAB_ID },
    auth: { bootstrapToken: e.GRAFTLAB_BOOTSTRAP_TOKEN },
    client: {
      apiUrl: e.GRAFTLAB_API_URL ?? `http://127.0.0.1:${e.PORT}`,
      token: e.GRAFTLAB_TOKEN ?? e.GRAFTLAB_BOOTSTRAP_TOKEN,
    },
    worker: {
      id: e.GRAFTLAB_WORKER_ID ?? `${hostname()}-${process.pid}`,
      stations: e.GRAFTLAB_STATIONS,
      shutdownTimeoutMs: e.GRAFTLAB_SHUTDOWN_TIMEOUT_MS,
    },
    virtualLab: {
      clockSpeed: e.GRAFTLAB_CLOCK_SPEED,
      seed: e.GRAFTLAB_SEED,
      clockOriginMs: e.GRAFTLAB_CLOCK_ORIGIN,
    },
    embedded: (e.GRAFTLAB_EMBEDDED ?? []) as EmbeddedService[],
    logLevel: e.LOG_LEVEL,
  });
}

let cached: AppConfig | undefined;

/** The process's configuration, read from the environment once. */
export function loadConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Variables a parent process passes to the children it starts (the supervisor's resolved URLs). */
export function configToEnv(config: AppConfig): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PORT: String(config.http.port),
    HOST: config.http.host,
    REDIS_URL: config.redis.url,
    MQTT_URL: config.mqtt.url,
    MQTT_USERNAME: config.mqtt.username,
    MQTT_PASSWORD: config.mqtt.password,
    MQTT_PROTOCOL_VERSION: String(config.mqtt.protocolVersion),
    DATABASE_URL: config.database.url,
    DATA_DIR: config.database.dataDir,
    LAB_INVENTORY: config.lab.inventoryPath,
    LAB_ID: config.lab.id,
    GRAFTLAB_BOOTSTRAP_TOKEN: config.auth.bootstrapToken,
    GRAFTLAB_STATIONS: config.worker.stations?.join(','),
    GRAFTLAB_CLOCK_SPEED: String(config.virtualLab.clockSpeed),
    GRAFTLAB_SEED: String(config.virtualLab.seed),
    GRAFTLAB_CLOCK_ORIGIN:
      config.virtualLab.clockOriginMs === undefined ? undefined : String(config.virtualLab.clockOriginMs),
    GRAFTLAB_SHUTDOWN_TIMEOUT_MS: String(config.worker.shutdownTimeoutMs),
    GRAFTLAB_API_RATE_LIMIT: String(config.http.rateLimitPerMinute),
    GRAFTLAB_EMBEDDED: config.embedded.length ? config.embedded.join(',') : undefined,
    LOG_LEVEL: config.logLevel,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** The environment of this process, for handing to children (PATH, HOME, ...); read here so nothing else touches process.env. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}

/** Whether standard output is meant for scripts (NO_COLOR / CI conventions). */
export function isCi(): boolean {
  return Boolean(process.env.CI);
}
