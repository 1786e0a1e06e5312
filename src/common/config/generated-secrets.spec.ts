import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';
import { withGeneratedSecrets } from './generated-secrets';

describe('secrets of the embedded default', () => {
  const dir = mkdtempSync(join(tmpdir(), 'collab-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates them once under DATA_DIR (mode 0600) and reuses them on the next start', () => {
    const first = withGeneratedSecrets(AppConfig.fromEnv({ DATA_DIR: dir }));
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.encryptionKey).toHaveLength(32);
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = withGeneratedSecrets(AppConfig.fromEnv({ DATA_DIR: dir }));
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.env.ENCRYPTION_KEY).toBe(first.env.ENCRYPTION_KEY);
    expect(JSON.parse(readFileSync(file, 'utf8')).jwtSecret).toBe(first.jwtSecret);
  });

  it('prefers configured secrets', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = withGeneratedSecrets(AppConfig.fromEnv({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: key }));
    expect(config.jwtSecret).toBe('x'.repeat(40));
    expect(config.env.ENCRYPTION_KEY).toBe(key);
  });

  it('refuses to start in production without them', () => {
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set when NODE_ENV=production/);
    expect(() => AppConfig.fromEnv({ JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET must be at least 32 characters/);
  });
});
