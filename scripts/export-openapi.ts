/**
 * Writes the OpenAPI document to a file (default build/openapi.json) without
 * listening: the app is built on a throwaway in-memory database.
 *
 *   npm run build && npm run openapi:export -- build/openapi.json
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../src/common/config/app-config';
import { EmbeddedPostgres } from '../src/common/database/embedded-postgres';
import { buildOpenApiDocument } from '../src/common/openapi/openapi';
import { createApp } from '../src/server';
import { version } from '../package.json';

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const out = resolve(process.argv[2] ?? 'build/openapi.json');
  const embedded = await EmbeddedPostgres.start();
  // Throwaway secrets: the document does not depend on them, and nothing is kept.
  const config = AppConfig.fromEnv({
    LOG_LEVEL: 'error',
    DATA_DIR: '/nonexistent',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_PASSWORD: randomBytes(24).toString('base64url'),
  });
  const app = await createApp(config, embedded.url);
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(await buildOpenApiDocument(app, version), null, 2)}\n`);
    console.log(`wrote ${out}`);
  } finally {
    await app.close();
    await embedded.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
