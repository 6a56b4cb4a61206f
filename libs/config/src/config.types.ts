export type EmbeddedService = 'redis' | 'mqtt' | 'database';

/** The one typed configuration object. Nothing else in graftlab reads process.env. */
export interface AppConfig {
  /** `rateLimitPerMinute`: API requests per minute per client. */
  readonly http: { readonly port: number; readonly host: string; readonly rateLimitPerMinute: number };
  /** Unset means "start a private one" (only the stack supervisor does that). */
  readonly redis: { readonly url?: string };
  readonly mqtt: {
    readonly url?: string;
    readonly username?: string;
    readonly password?: string;
    readonly protocolVersion: 4 | 5;
  };
  readonly database: { readonly url?: string; readonly dataDir: string };
  readonly lab: { readonly inventoryPath: string; readonly id?: string };
  readonly auth: { readonly bootstrapToken?: string };
  /** Where the CLI finds the API and the token it sends. */
  readonly client: { readonly apiUrl: string; readonly token?: string };
  readonly worker: {
    readonly id: string;
    readonly stations?: readonly string[];
    readonly shutdownTimeoutMs: number;
  };
  readonly virtualLab: {
    readonly clockSpeed: number;
    readonly seed: number;
    readonly clockOriginMs?: number;
  };
  /** Which services the stack supervisor started in-process or privately, for /health. */
  readonly embedded: readonly EmbeddedService[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}
