import { AppConfig, ConfigError, parseEnv } from './app-config';

describe('configuration', () => {
  it('needs no variable at all: the embedded default', () => {
    const config = AppConfig.fromEnv({});
    expect(config.env.PORT).toBe(3000);
    expect(config.env.HOST).toBe('127.0.0.1');
    expect(config.embeddedDatabase).toBe(true);
    expect(config.env.DATABASE_MIGRATIONS_RUN).toBe(true);
    expect(config.env.BODY_LIMIT).toBe(1024 * 1024);
    expect(config.env.CORS_ORIGINS).toEqual([]);
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('parses typed values', () => {
    const env = parseEnv({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/app',
      REDIS_URL: 'redis://cache:6379',
      BODY_LIMIT: '512kb',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      TRUST_PROXY: 'yes',
      LOG_LEVEL: 'DEBUG',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      BODY_LIMIT: 512 * 1024,
      CORS_ORIGINS: ['https://a.example.com', 'https://b.example.com'],
      TRUST_PROXY: true,
      LOG_LEVEL: 'debug',
    });
  });

  it('names every bad variable in one error, and hides secrets', () => {
    let error: ConfigError | undefined;
    try {
      parseEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://secret@x/db', BODY_LIMIT: '12 parsecs' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toHaveLength(4);
    expect(error!.message).toContain('PORT must be an integer between 0 and 65535 (got "eighty")');
    expect(error!.message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(error!.message).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got (hidden))');
    expect(error!.message).not.toContain('secret');
    expect(error!.message).toContain('BODY_LIMIT must be a size');
  });

  it('rejects out-of-range numbers and malformed origins', () => {
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/PORT must be an integer between 0 and 65535/);
    expect(() => parseEnv({ CORS_ORIGINS: 'not an origin' })).toThrow(/CORS_ORIGINS must be a comma-separated list of origins/);
  });
});
