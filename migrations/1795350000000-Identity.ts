import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity, tenancy, access control and the audit log (seeds 000-004, DESIGN.md section 6):
 * tenants, users, user_identities, user_settings, refresh_tokens, api_keys,
 * one_time_tokens, groups, user_groups, casbin_rule, audit_logs.
 */
export class Identity1795350000000 implements MigrationInterface {
  name = 'Identity1795350000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        slug text NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        disabled_at timestamptz,
        oidc_issuer text,
        oidc_client_id text,
        oidc_client_secret_enc text,
        oidc_tenant_id text,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug)`);
    await q.query(`CREATE UNIQUE INDEX tenants_one_default ON tenants (is_default) WHERE is_default`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE RESTRICT,
        email text NOT NULL,
        username text NOT NULL,
        display_name text,
        first_name text,
        last_name text,
        password_hash text,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('guest', 'user', 'admin')),
        is_active boolean NOT NULL DEFAULT true,
        is_blocked boolean NOT NULL DEFAULT false,
        blocked_reason text,
        disabled_since timestamptz,
        failed_login_attempts integer NOT NULL DEFAULT 0,
        lockout_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        email_verified boolean NOT NULL DEFAULT false,
        email_verified_at timestamptz,
        token_version integer NOT NULL DEFAULT 0,
        last_login_at timestamptz,
        last_seen_at timestamptz,
        avatar_url text,
        language text,
        conference_theme text,
        dashboard_theme text,
        phone text,
        title text,
        country text,
        profession text,
        tariff_id uuid,
        tariff_status text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await q.query(`CREATE INDEX users_tenant_created ON users (tenant_id, created_at, id)`);

    await q.query(`
      CREATE TABLE user_identities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        provider text NOT NULL,
        subject text NOT NULL,
        email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX user_identities_provider_subject ON user_identities (provider, subject)`);
    await q.query(`CREATE INDEX user_identities_user ON user_identities (user_id)`);

    await q.query(`
      CREATE TABLE user_settings (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        default_model_id uuid,
        preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        family_id uuid NOT NULL,
        token_hash text NOT NULL,
        device_info text,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await q.query(`CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id, created_at)`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (key_hash)`);
    await q.query(`CREATE INDEX api_keys_user ON api_keys (user_id, created_at)`);

    await q.query(`
      CREATE TABLE one_time_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX one_time_tokens_hash_key ON one_time_tokens (token_hash)`);
    await q.query(`CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose)`);

    await q.query(`
      CREATE TABLE groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX groups_tenant_name_key ON groups (tenant_id, lower(name))`);
    await q.query(`CREATE INDEX groups_tenant_created ON groups (tenant_id, created_at, id)`);

    await q.query(`
      CREATE TABLE user_groups (
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, user_id)
      )`);
    await q.query(`CREATE INDEX user_groups_user ON user_groups (user_id)`);

    await q.query(`
      CREATE TABLE casbin_rule (
        id serial PRIMARY KEY,
        ptype varchar(8) NOT NULL,
        v0 varchar(255),
        v1 varchar(255),
        v2 varchar(255),
        v3 varchar(255),
        v4 varchar(255),
        v5 varchar(255)
      )`);
    await q.query(`CREATE INDEX casbin_rule_domain ON casbin_rule (ptype, v1)`);

    await q.query(`
      CREATE TABLE audit_logs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid,
        actor_id uuid,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api-key', 'system', 'anonymous')),
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        old_value jsonb,
        new_value jsonb,
        ip text,
        user_agent text,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_logs_tenant_id ON audit_logs (tenant_id, id DESC)`);
    await q.query(`CREATE INDEX audit_logs_tenant_actor ON audit_logs (tenant_id, actor_id, id DESC)`);
    await q.query(`CREATE INDEX audit_logs_tenant_resource ON audit_logs (tenant_id, resource_type, resource_id)`);
    // Append-only: the database itself refuses to change or remove an entry.
    await q.query(`
      CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_logs is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_logs_no_update BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`);
    await q.query(`CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_logs`);
    await q.query(`DROP FUNCTION audit_logs_append_only()`);
    for (const table of ['casbin_rule', 'user_groups', 'groups', 'one_time_tokens', 'api_keys', 'refresh_tokens', 'user_settings', 'user_identities', 'users', 'tenants']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
