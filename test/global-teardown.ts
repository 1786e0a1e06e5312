import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { adminQuery } from './helpers/test-database';
import { SNAPSHOT_ENV, TEMPLATE_ENV, serverDatabaseUrl } from './helpers/test-env';

export default async function globalTeardown(): Promise<void> {
  const snapshot = process.env[SNAPSHOT_ENV];
  if (snapshot) rmSync(dirname(snapshot), { recursive: true, force: true });
  const serverUrl = serverDatabaseUrl();
  const template = process.env[TEMPLATE_ENV];
  if (serverUrl && template) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}
