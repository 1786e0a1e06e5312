import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from './app-config';

interface SecretsFile {
  jwtSecret: string;
  encryptionKey: string;
}

/**
 * Outside production, secrets that are not configured are generated once and
 * kept in DATA_DIR/secrets.json (mode 0600), so tokens and encrypted values
 * survive restarts. Production refuses to start without them (AppConfig).
 */
export function withGeneratedSecrets(config: AppConfig): AppConfig {
  if (config.env.JWT_SECRET && config.env.ENCRYPTION_KEY) return config;
  const file = join(config.dataDir, 'secrets.json');
  let secrets: SecretsFile;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as SecretsFile;
  } else {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    secrets = { jwtSecret: randomBytes(48).toString('base64url'), encryptionKey: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
    new Logger('Secrets').warn(`generated JWT_SECRET and ENCRYPTION_KEY in ${file}; configure them explicitly in production`);
  }
  return config.with({
    JWT_SECRET: config.env.JWT_SECRET ?? secrets.jwtSecret,
    ENCRYPTION_KEY: config.env.ENCRYPTION_KEY ?? secrets.encryptionKey,
  });
}
