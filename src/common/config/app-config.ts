import { isAbsolute, resolve } from 'node:path';
import { ENV_SCHEMA, Env, EnvVar } from './config.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws one ConfigError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(ENV_SCHEMA) as [string, EnvVar<unknown>][]) {
    const given = source[name];
    const raw = given === undefined || given === '' ? spec.default : given;
    if (raw === undefined) {
      out[name] = undefined;
      continue;
    }
    try {
      out[name] = spec.parse(raw);
    } catch (err) {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name} must be ${(err as Error).message} (got ${shown})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Env;
}

/**
 * The typed, validated configuration. The only place that reads the environment
 * is `AppConfig.fromEnv`; everything else injects this class.
 */
export class AppConfig {
  readonly env: Env;
  readonly dataDir: string;

  constructor(env: Env) {
    if (env.NODE_ENV === 'production') {
      const missing = (['JWT_SECRET', 'ENCRYPTION_KEY'] as const).filter((name) => !env[name]);
      if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name} must be set when NODE_ENV=production`));
    }
    this.env = Object.freeze({ ...env });
    this.dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(process.cwd(), env.DATA_DIR);
  }

  static fromEnv(source: Record<string, string | undefined> = process.env): AppConfig {
    return new AppConfig(parseEnv(source));
  }

  /** A copy with some variables replaced (tests, the embedded database URL). */
  with(overrides: Partial<Env>): AppConfig {
    return new AppConfig({ ...this.env, ...overrides });
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  /** The access-token signing key (set, or generated under DATA_DIR by `withGeneratedSecrets`). */
  get jwtSecret(): string {
    if (!this.env.JWT_SECRET) throw new Error('JWT_SECRET is not resolved: start through startServer()');
    return this.env.JWT_SECRET;
  }

  get encryptionKey(): Buffer {
    if (!this.env.ENCRYPTION_KEY) throw new Error('ENCRYPTION_KEY is not resolved: start through startServer()');
    return Buffer.from(this.env.ENCRYPTION_KEY, 'base64');
  }

  /** The keys ENCRYPTION_KEY replaced: still read, never written with. */
  get previousEncryptionKeys(): Buffer[] {
    return this.env.ENCRYPTION_KEYS_PREVIOUS.map((key) => Buffer.from(key, 'base64'));
  }

  /** LOG_PRETTY when set; otherwise readable lines on a developer's terminal, JSON lines anywhere else (pipes, files, production). */
  get logPretty(): boolean {
    return this.env.LOG_PRETTY ?? (!this.isProduction && process.stdout.isTTY === true);
  }

  get embeddedDatabase(): boolean {
    return this.env.DATABASE_URL === undefined;
  }

  get publicUrl(): string {
    if (this.env.PUBLIC_URL) return this.env.PUBLIC_URL.replace(/\/+$/, '');
    const host = this.env.HOST === '0.0.0.0' || this.env.HOST === '::' ? 'localhost' : this.env.HOST;
    return `http://${host}:${this.env.PORT}`;
  }
}
