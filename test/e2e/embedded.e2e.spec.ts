import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startServer } from '../../src/server';
import { http } from '../helpers/http';
import { testConfig } from '../helpers/test-env';

describe('embedded default (PGlite under DATA_DIR)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'collab-embedded-'));
  // Embedded even when the suite runs against PostgreSQL; migrations run at start-up as in production.
  const config = testConfig({ DATABASE_URL: undefined, DATA_DIR: dataDir, DATABASE_MIGRATIONS_RUN: true });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates on first start, refuses a second process on the same data, and keeps data across a restart', async () => {
    const first = await startServer(config);
    try {
      expect((await http.get(`${first.url}/health/ready`)).status).toBe(200);
      const ds = first.app.get(DataSource);
      await ds.query('CREATE TABLE restart_probe (id int PRIMARY KEY, note text NOT NULL)');
      await ds.query(`INSERT INTO restart_probe VALUES (1, 'kept')`);
      await expect(startServer(config)).rejects.toThrow(/data directory is in use/);
    } finally {
      await first.close();
    }

    const second = await startServer(config);
    try {
      const ds = second.app.get(DataSource);
      expect(await ds.query('SELECT note FROM restart_probe')).toEqual([{ note: 'kept' }]);
      const pending = await ds.showMigrations();
      expect(pending).toBe(false);
    } finally {
      await second.close();
    }
  });
});
