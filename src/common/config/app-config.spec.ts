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

  it('takes TRUST_PROXY as a boolean or the proxies\' addresses, and refuses a hop count', () => {
    expect(parseEnv({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: '10.0.0.2, 10.1.0.0/16,::1, fd00::/8' }).TRUST_PROXY).toEqual(['10.0.0.2', '10.1.0.0/16', '::1', 'fd00::/8']);
    expect(() => parseEnv({ TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDR ranges.*a number of hops is not supported/);
    expect(() => parseEnv({ TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY must be true, false, or comma-separated IP addresses or CIDR ranges/);
    expect(() => parseEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY must be/);
  });

  it('makes logs readable on a terminal outside production, unless LOG_PRETTY says otherwise', () => {
    const wasTty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      expect(AppConfig.fromEnv({}).logPretty).toBe(true);
      expect(AppConfig.fromEnv({ LOG_PRETTY: 'false' }).logPretty).toBe(false);
      const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };
      expect(AppConfig.fromEnv(production).logPretty).toBe(false);
      expect(AppConfig.fromEnv({ ...production, LOG_PRETTY: 'true' }).logPretty).toBe(true);
      Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
      expect(AppConfig.fromEnv({}).logPretty).toBe(false);
    } finally {
      if (wasTty) Object.defineProperty(process.stdout, 'isTTY', wasTty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  it('wants a METRICS_TOKEN long enough, and never echoes it', () => {
    expect(() => parseEnv({ METRICS_TOKEN: 'short-secret' })).toThrow('METRICS_TOKEN must be at least 16 characters long (got (hidden))');
    expect(parseEnv({ METRICS_TOKEN: 'a-long-enough-metrics-token' }).METRICS_TOKEN).toBe('a-long-enough-metrics-token');
  });
});
