import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API key scopes (`read`: safe methods only, `write`: changes too) and the reason a key was revoked
 * (by its user, or with every credential of the user: logout-all, a password change or reset).
 * Keys made before this migration could change anything: they become `write` keys. New keys name
 * their scope (the API's default is `read`), so the column keeps no default.
 */
export class ApiKeyScopes1795382500000 implements MigrationInterface {
  name = 'ApiKeyScopes1795382500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN scope text NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write'))`);
    await q.query(`ALTER TABLE api_keys ALTER COLUMN scope DROP DEFAULT`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN revoked_reason text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN revoked_reason`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN scope`);
  }
}
