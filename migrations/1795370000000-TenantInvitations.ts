import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant invitations (docs/tenants.md): an e-mail address invited into a tenant with a tenant role.
 * The token travels only in the mail; the table keeps its SHA-256. At most one open invitation per
 * address and tenant (an expired one is revoked by the service before a new one is made).
 */
export class TenantInvitations1795370000000 implements MigrationInterface {
  name = 'TenantInvitations1795370000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
        role text NOT NULL CHECK (role ~ '^[a-z][a-z0-9-]{1,31}$'),
        token_hash text NOT NULL,
        invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
        expires_at timestamptz NOT NULL,
        sent_count integer NOT NULL DEFAULT 1,
        last_sent_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenant_invitations_closed_once CHECK (accepted_at IS NULL OR revoked_at IS NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX tenant_invitations_token_key ON tenant_invitations (token_hash)`);
    await q.query(
      `CREATE UNIQUE INDEX tenant_invitations_open_key ON tenant_invitations (tenant_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL`,
    );
    await q.query(`CREATE INDEX tenant_invitations_tenant_created ON tenant_invitations (tenant_id, created_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenant_invitations`);
  }
}
