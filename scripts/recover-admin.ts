/**
 * Restores a locked-out platform admin (docs/deployment.md#recovering-a-platform-admin):
 *
 *   npm run admin:recover -- --email admin@example.com                   # unblock, enable, unlock, roles, denies, sessions
 *   npm run admin:recover -- --email admin@example.com --reset-token     # ... and print a one-time password reset token
 *   printf '%s' "$NEW_PASSWORD" | npm run admin:recover -- --email admin@example.com --password-stdin
 *
 * It runs on the database the server would use (the embedded PGlite under DATA_DIR when
 * DATABASE_URL is unset: stop the server first, the data directory serves one process) and
 * reads `.env` like the server. Run `npm run build` first.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AppModule } from '../src/app.module';
import { AdminRecoveryReport, AdminRecoveryRequest, AdminRecoveryService } from '../src/auth/admin-recovery.service';
import { AppConfig } from '../src/common/config/app-config';
import { loadEnvFile } from '../src/common/config/env-file';
import { withGeneratedSecrets } from '../src/common/config/generated-secrets';
import { EMBEDDED_POOL_SIZE } from '../src/common/database/embedded-postgres';
import { startEmbeddedDatabase } from '../src/common/database/embedded-snapshot';

/** Boots the application without HTTP on the configured database and recovers the admin. */
export async function recoverPlatformAdmin(givenConfig: AppConfig, request: AdminRecoveryRequest): Promise<AdminRecoveryReport> {
  const config = withGeneratedSecrets(givenConfig);
  const embedded = config.embeddedDatabase ? (await startEmbeddedDatabase(config.dataDir)).embedded : undefined;
  try {
    const appConfig = embedded ? config.with({ DATABASE_POOL_SIZE: EMBEDDED_POOL_SIZE }) : config;
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(appConfig, embedded?.url ?? config.env.DATABASE_URL!), { logger: ['error', 'warn'], abortOnError: false });
    try {
      return await app.get(AdminRecoveryService).recover(request);
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' }, 'reset-token': { type: 'boolean' } },
  });
  if (!values.email) throw new Error('usage: admin:recover --email <address> [--password-stdin] [--reset-token]');
  loadEnvFile(); // the same .env as the server
  const config = AppConfig.fromEnv().with({ LOG_LEVEL: 'warn' });
  const password = values['password-stdin'] ? await readStdin() : undefined;
  const report = await recoverPlatformAdmin(config, { email: values.email, password, resetToken: values['reset-token'] });
  console.log(`Platform admin "${report.username}" (${report.userId}) restored: unblocked, enabled, unlocked, platform admin and admin of tenant ${report.tenantId}.`);
  console.log(`Sessions revoked: ${report.revokedSessions}. Deny rules naming the user removed: ${report.removedDenies.length ? report.removedDenies.join('; ') : 'none'}.`);
  if (report.stillDenied.length) console.log(`Still denied through its groups or roles (review the policies): ${report.stillDenied.join(', ')}.`);
  if (password !== undefined) console.log('The new password is set.');
  if (report.resetToken) console.log(`One-time password reset token: ${report.resetToken}\nSend it with a new password: POST ${report.resetUrl} {"token": "...", "password": "..."}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
