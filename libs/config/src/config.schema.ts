import { z } from 'zod';

/** Every environment variable graftlab reads, with its default and what it means (README table is generated from the same words). */
export const ENV_DOCS: Record<string, { default: string; meaning: string }> = {
  PORT: { default: '3000', meaning: 'HTTP port of the API and dashboard' },
  HOST: { default: '127.0.0.1', meaning: 'address the API listens on (0.0.0.0 in containers)' },
  REDIS_URL: {
    default: '(unset: private redis-server)',
    meaning: 'Redis for BullMQ, e.g. redis://127.0.0.1:6379',
  },
  MQTT_URL: { default: '(unset: embedded broker)', meaning: 'MQTT 5 broker, e.g. mqtt://127.0.0.1:1883' },
  MQTT_USERNAME: { default: '(none)', meaning: 'broker user of this process' },
  MQTT_PROTOCOL_VERSION: { default: '5', meaning: '5 (MQTT 5) or 4 (MQTT 3.1.1 brokers such as aedes)' },
  MQTT_PASSWORD: { default: '(none)', meaning: 'broker password of this process' },
  DATABASE_URL: { default: '(unset: PGlite under DATA_DIR)', meaning: 'PostgreSQL for the MI database' },
  DATA_DIR: { default: './data', meaning: 'where embedded PGlite keeps its files' },
  LAB_INVENTORY: {
    default: 'devices/virtual-lab.json',
    meaning: 'lab inventory: stations, devices, locations',
  },
  LAB_ID: { default: '(inventory id)', meaning: 'lab name in MQTT topics graftlab/<lab>/...' },
  GRAFTLAB_BOOTSTRAP_TOKEN: { default: '(none)', meaning: 'creates the first admin API token' },
  GRAFTLAB_API_URL: { default: 'http://127.0.0.1:<PORT>', meaning: 'the API the CLI talks to' },
  GRAFTLAB_TOKEN: { default: '(GRAFTLAB_BOOTSTRAP_TOKEN)', meaning: 'API token the CLI sends' },
  GRAFTLAB_STATIONS: { default: '(all)', meaning: 'comma list of stations this worker owns' },
  GRAFTLAB_WORKER_ID: { default: 'hostname-pid', meaning: 'stable id of a worker process (leases, logs)' },
  GRAFTLAB_CLOCK_SPEED: {
    default: '1',
    meaning: 'virtual-lab clock speed-up (3600 = one simulated hour per second)',
  },
  GRAFTLAB_SEED: { default: '1', meaning: 'seed of the virtual lab' },
  GRAFTLAB_CLOCK_ORIGIN: {
    default: '(process start)',
    meaning: 'wall-clock ms at which lab time equals wall time; shared by the stack',
  },
  GRAFTLAB_SHUTDOWN_TIMEOUT_MS: { default: '10000', meaning: 'bounded wait for a clean shutdown' },
  GRAFTLAB_API_RATE_LIMIT: {
    default: '1200',
    meaning: 'API requests per minute per client (raise it for batch submitters and benchmarks)',
  },
  LOG_LEVEL: { default: 'info', meaning: 'fatal, error, warn, info, debug or trace' },
};

const url = (protocols: string[], example: string) =>
  z
    .string()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `expected a ${protocols.map((p) => p + '://').join(' or ')} URL (e.g. ${example})` },
    )
    .optional();

const int = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, { message: `expected ${what}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `expected ${what}` });

const positiveNumber = (what: string) =>
  z
    .string()
    .refine((v) => v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) > 0, {
      message: `expected ${what}`,
    })
    .transform(Number);

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const EMBEDDABLE = ['redis', 'mqtt', 'database'] as const;

export const envSchema = z.object({
  PORT: int(1, 65535, 'a TCP port 1-65535').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: url(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  MQTT_URL: url(['mqtt', 'mqtts', 'tcp', 'ws', 'wss'], 'mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PROTOCOL_VERSION: z
    .enum(['4', '5'], { message: 'expected 5 (MQTT 5) or 4 (MQTT 3.1.1)' })
    .default('5'),
  MQTT_PASSWORD: z.string().optional(),
  DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://user@127.0.0.1:5432/graftlab'),
  DATA_DIR: z.string().min(1).default('./data'),
  LAB_INVENTORY: z.string().min(1).default('devices/virtual-lab.json'),
  LAB_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected lower-case letters, digits and dashes' })
    .optional(),
  GRAFTLAB_BOOTSTRAP_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  GRAFTLAB_API_URL: url(['http', 'https'], 'http://127.0.0.1:3000'),
  GRAFTLAB_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  GRAFTLAB_STATIONS: list.optional(),
  GRAFTLAB_WORKER_ID: z.string().min(1).optional(),
  GRAFTLAB_CLOCK_SPEED: positiveNumber('a positive number (1 = real time)').default(1),
  GRAFTLAB_SEED: int(0, 2 ** 31 - 1, 'a non-negative integer').default(1),
  GRAFTLAB_CLOCK_ORIGIN: int(0, 8.64e15, 'milliseconds since the Unix epoch').optional(),
  GRAFTLAB_SHUTDOWN_TIMEOUT_MS: int(100, 600000, 'milliseconds between 100 and 600000').default(10000),
  GRAFTLAB_API_RATE_LIMIT: int(1, 10_000_000, 'requests per minute, 1-10000000').default(1200),
  GRAFTLAB_EMBEDDED: list
    .refine((v) => v.every((x) => (EMBEDDABLE as readonly string[]).includes(x)), {
      message: `expected a comma list of ${EMBEDDABLE.join(', ')}`,
    })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EnvInput = z.input<typeof envSchema>;

/** Variables each deployed process needs when no supervisor provides them (docker-compose, systemd units). */
export const REQUIRED_BY_APP: Record<'api' | 'worker' | 'virtual-lab', readonly string[]> = {
  api: ['REDIS_URL', 'MQTT_URL', 'DATABASE_URL', 'LAB_INVENTORY', 'PORT'],
  worker: ['REDIS_URL', 'MQTT_URL', 'DATABASE_URL', 'LAB_INVENTORY', 'GRAFTLAB_CLOCK_SPEED'],
  'virtual-lab': ['MQTT_URL', 'LAB_INVENTORY', 'GRAFTLAB_CLOCK_SPEED'],
};
