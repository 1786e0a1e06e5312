import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `user_principals`: the users module's read model for authentication (docs/architecture.md, "One
 * statement per authenticated request"): every column of a user and the state of its tenant, so that
 * authenticating a request is one statement (the user, its tenant's state and, in the same query, the
 * credential's own revocation).
 */
export class UserPrincipals1795371000000 implements MigrationInterface {
  name = 'UserPrincipals1795371000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW user_principals AS SELECT u.*, t.disabled_at AS tenant_disabled_at FROM users u JOIN tenants t ON t.id = u.tenant_id`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW user_principals`);
  }
}
