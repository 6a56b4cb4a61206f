import { loadConfig } from '@graftlab/config';

export class ApiUnreachable extends Error {}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  readonly apiUrl?: string;
  readonly token?: string;
}

/** The CLI's way to the API: JSON in and out, the token from the configuration, one-line errors. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token?: string;

  constructor(options: ApiClientOptions = {}) {
    const config = loadConfig();
    this.baseUrl = (options.apiUrl ?? config.client.apiUrl).replace(/\/$/, '');
    this.token = options.token ?? config.client.token;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new ApiUnreachable(
        `cannot reach the graftlab API at ${this.baseUrl} (${cause}); start it with \`npm start\` or set GRAFTLAB_API_URL`,
      );
    }
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok) {
      const message =
        typeof json === 'object' && json && 'message' in json
          ? String((json as { message: unknown }).message)
          : text;
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${message}`, json);
    }
    return json as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }
}
