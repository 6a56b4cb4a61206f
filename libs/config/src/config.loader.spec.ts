import { ConfigError, parseConfig } from './config.loader';

describe('parseConfig', () => {
  it('fills documented defaults when nothing is set', () => {
    const c = parseConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.redis.url).toBeUndefined();
    expect(c.database.dataDir).toBe('./data');
    expect(c.lab.inventoryPath).toBe('devices/virtual-lab.json');
    expect(c.embedded).toEqual([]);
  });

  it('treats blank values as unset', () => {
    expect(parseConfig({ REDIS_URL: '  ', PORT: '' }).redis.url).toBeUndefined();
  });

  it('names the variable, the value and what is expected in one line', () => {
    let error: unknown;
    try {
      parseConfig({ REDIS_URL: 'localhost:6379' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('REDIS_URL="localhost:6379"');
    expect(message).toContain('redis://');
    expect(message).not.toContain('\n');
  });

  it('reports every bad variable together', () => {
    expect(() => parseConfig({ PORT: '70000', GRAFTLAB_CLOCK_SPEED: '-2', LOG_LEVEL: 'loud' })).toThrow(
      /PORT="70000".*GRAFTLAB_CLOCK_SPEED="-2".*LOG_LEVEL="loud"/,
    );
  });

  it('parses lists and numbers', () => {
    const c = parseConfig({
      GRAFTLAB_STATIONS: 'reactor-1, reactor-2',
      GRAFTLAB_CLOCK_SPEED: '3600',
      GRAFTLAB_EMBEDDED: 'redis,mqtt',
    });
    expect(c.worker.stations).toEqual(['reactor-1', 'reactor-2']);
    expect(c.virtualLab.clockSpeed).toBe(3600);
    expect(c.embedded).toEqual(['redis', 'mqtt']);
  });

  it('reads the API rate limit (default 1200 a minute) and refuses a non-number', () => {
    expect(parseConfig({}).http.rateLimitPerMinute).toBe(1200);
    expect(parseConfig({ GRAFTLAB_API_RATE_LIMIT: '100000' }).http.rateLimitPerMinute).toBe(100000);
    expect(() => parseConfig({ GRAFTLAB_API_RATE_LIMIT: 'lots' })).toThrow(
      /GRAFTLAB_API_RATE_LIMIT="lots".*requests per minute/,
    );
  });

  it('refuses an unknown embedded service', () => {
    expect(() => parseConfig({ GRAFTLAB_EMBEDDED: 'kafka' })).toThrow(/GRAFTLAB_EMBEDDED="kafka"/);
  });
});
