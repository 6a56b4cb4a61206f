import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError, parseConfig, REQUIRED_BY_APP } from '@graftlab/config';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  network_mode?: string;
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** ${VAR:-default} as compose substitutes it with an empty environment. */
function substitute(value: string): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_m, _name: string, fallback?: string) => fallback ?? '',
  );
}

export function loadCompose(path = 'docker-compose.yml'): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

function env(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, substitute(String(v))]),
  );
}

/** Everything the deployment needs to agree on, as a list of problems (empty when the file is right). */
export function checkCompose(compose: ComposeFile, mosquittoConf: string): string[] {
  const problems: string[] = [];
  const services = compose.services;
  const ports: Record<string, number> = { redis: 6379, postgres: 5432 };
  const listener = /^listener\s+(\d+)/m.exec(mosquittoConf);
  if (listener) ports.mosquitto = Number(listener[1]);
  else problems.push('mosquitto.conf: no listener');
  if (!/^set_tcp_nodelay\s+true/m.test(mosquittoConf))
    problems.push('mosquitto.conf: set_tcp_nodelay true is missing');
  if (!/^allow_anonymous\s+false/m.test(mosquittoConf) || !/^password_file\s/m.test(mosquittoConf)) {
    problems.push('mosquitto.conf: password authentication is not enforced');
  }
  const redisCommand = (services.redis?.command ?? []).join(' ');
  if (!/--appendonly yes/.test(redisCommand)) problems.push('redis: AOF (--appendonly yes) is off');
  if (!/--maxmemory-policy noeviction/.test(redisCommand))
    problems.push('redis: --maxmemory-policy noeviction is missing');

  for (const app of ['api', 'worker', 'virtual-lab'] as const) {
    const service = services[app];
    if (!service) {
      problems.push(`service ${app} is missing`);
      continue;
    }
    if (!service.build) problems.push(`${app}: not built from the repository's Dockerfile`);
    const vars = env(service);
    for (const name of REQUIRED_BY_APP[app]) {
      if (!vars[name]) problems.push(`${app}: ${name} is not set`);
    }
    try {
      parseConfig(vars);
    } catch (e) {
      problems.push(`${app}: ${e instanceof ConfigError ? e.message : String(e)}`);
    }
    for (const [name, serviceName] of [
      ['REDIS_URL', 'redis'],
      ['MQTT_URL', 'mosquitto'],
      ['DATABASE_URL', 'postgres'],
    ] as const) {
      if (!vars[name]) continue;
      const url = new URL(vars[name]);
      if (!services[url.hostname])
        problems.push(`${app}: ${name} names host "${url.hostname}", which is not a service`);
      else if (url.hostname !== serviceName)
        problems.push(`${app}: ${name} should point at service "${serviceName}"`);
      else if (Number(url.port) !== ports[serviceName])
        problems.push(
          `${app}: ${name} port ${url.port} does not match ${serviceName}'s ${ports[serviceName]}`,
        );
    }
    if (vars.DATABASE_URL && services.postgres) {
      const url = new URL(vars.DATABASE_URL);
      const pg = env(services.postgres);
      if (
        url.username !== pg.POSTGRES_USER ||
        decodeURIComponent(url.password) !== pg.POSTGRES_PASSWORD ||
        url.pathname.slice(1) !== pg.POSTGRES_DB
      ) {
        problems.push(`${app}: DATABASE_URL credentials do not match the postgres service`);
      }
    }
    if (vars.MQTT_URL && (!vars.MQTT_USERNAME || !vars.MQTT_PASSWORD)) {
      problems.push(`${app}: MQTT_USERNAME and MQTT_PASSWORD must be set (the broker requires passwords)`);
    }
  }
  const api = services.api;
  if (api) {
    const port = env(api).PORT;
    if (!(api.ports ?? []).some((p) => p.endsWith(`:${port}`)))
      problems.push(`api: PORT ${port} is not published`);
  }
  const speeds = new Set(['worker', 'virtual-lab'].map((s) => env(services[s] ?? {}).GRAFTLAB_CLOCK_SPEED));
  if (speeds.size !== 1)
    problems.push('worker and virtual-lab run on different lab clocks (GRAFTLAB_CLOCK_SPEED)');
  if (services.worker?.network_mode !== 'service:virtual-lab') {
    problems.push(
      'worker: must share the virtual lab network namespace to reach its serial twins on 127.0.0.1',
    );
  }
  return problems;
}
