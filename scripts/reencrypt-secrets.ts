/**
 * Seals every secret at rest again with the current ENCRYPTION_KEY, after a key rotation:
 *
 *   ENCRYPTION_KEY=<new> ENCRYPTION_KEYS_PREVIOUS=<old> npm run secrets:reencrypt
 *
 * on the database the server would use (the embedded PGlite under DATA_DIR when DATABASE_URL is unset;
 * stop the server first then, as the embedded database has one user). It reads values sealed with any
 * key of the ring and with the format older than key ids, and rewrites those not sealed with the current
 * key; servers running with both keys keep serving meanwhile. When it reports no failures, the old key
 * can leave ENCRYPTION_KEYS_PREVIOUS. Run `npm run build` first. See docs/security.md.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/common/config/app-config';
import { loadEnvFile } from '../src/common/config/env-file';
import { withGeneratedSecrets } from '../src/common/config/generated-secrets';
import { KeyRing } from '../src/common/crypto/crypto';
import { resealColumns } from '../src/common/crypto/sealed-column';
import { dataSourceOptions } from '../src/common/database/data-source-options';
import { startEmbeddedDatabase } from '../src/common/database/embedded-snapshot';

async function main(): Promise<void> {
  loadEnvFile(); // the same .env as the server
  const config = withGeneratedSecrets(AppConfig.fromEnv());
  const embedded = config.embeddedDatabase ? (await startEmbeddedDatabase(config.dataDir)).embedded : undefined;
  const dataSource = await new DataSource(dataSourceOptions(config, embedded?.url ?? config.env.DATABASE_URL!)).initialize();
  try {
    const keys = new KeyRing(config.encryptionKey, config.previousEncryptionKeys);
    const results = await resealColumns(dataSource, keys.box('secrets-at-rest'));
    for (const r of results) console.log(`${r.table}.${r.column}: ${r.resealed} sealed again${r.failed ? `, ${r.failed} opened by no key of the ring` : ''}`);
    console.log(`current key id: ${keys.currentKeyId}`);
    if (results.some((r) => r.failed > 0)) process.exitCode = 1;
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
