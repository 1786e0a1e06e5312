import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rooms and everything that hangs off a room (seeds 000, 001, 004; DESIGN.md section 6):
 * rooms, room_members, room_messages, room_transcripts, room_invites, room_sip_configs,
 * room_streaming_targets, room_assets, module_resources, dashboard_panels, room_data_refs.
 *
 * Every table carries tenant_id. Children reference the room through (room_id, tenant_id), so a row
 * can never sit in another tenant than its room, and go with the room (ON DELETE CASCADE).
 * Ownership: rooms.owner_id is required and blocks (NO ACTION: 23503) the deletion of the owning user (transfer the
 * room first; the API answers 409 reference-conflict). Message authors and other "created by"
 * columns are SET NULL when the user is deleted: the content stays, without author.
 */
export class Rooms1795360000000 implements MigrationInterface {
  name = 'Rooms1795360000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rooms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE NO ACTION,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        type text NOT NULL CHECK (type IN ('CHAT', 'DASHBOARD', 'CALL')),
        join_code text NOT NULL CHECK (join_code ~ '^[A-HJKMNP-Z2-9]{9}$'),
        password_hash text,
        waiting_room boolean NOT NULL DEFAULT false,
        e2e_encrypted boolean NOT NULL DEFAULT false,
        viz_token_enc text,
        viz_host text,
        viz_cmd_port integer CHECK (viz_cmd_port BETWEEN 1 AND 65535),
        viz_port integer CHECK (viz_port BETWEEN 1 AND 65535),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX rooms_join_code_key ON rooms (join_code)`);
    await q.query(`CREATE UNIQUE INDEX rooms_id_tenant_key ON rooms (id, tenant_id)`);
    await q.query(`CREATE INDEX rooms_tenant_created ON rooms (tenant_id, created_at, id)`);
    await q.query(`CREATE INDEX rooms_owner ON rooms (owner_id)`);

    await q.query(`
      CREATE TABLE room_members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('OWNER', 'MODERATOR', 'MEMBER', 'GUEST')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX room_members_room_user_key ON room_members (room_id, user_id)`);
    await q.query(`CREATE UNIQUE INDEX room_members_one_owner ON room_members (room_id) WHERE role = 'OWNER'`);
    await q.query(`CREATE INDEX room_members_room_joined ON room_members (room_id, joined_at, user_id)`);
    await q.query(`CREATE INDEX room_members_user ON room_members (user_id)`);

    await q.query(`
      CREATE TABLE room_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        kind text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'bot')),
        text text NOT NULL CHECK (char_length(text) <= 4000),
        client_message_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        deleted_at timestamptz,
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX room_messages_room_created ON room_messages (room_id, created_at, id)`);
    await q.query(`CREATE UNIQUE INDEX room_messages_client_id_key ON room_messages (room_id, author_id, client_message_id) WHERE client_message_id IS NOT NULL`);
    await q.query(`CREATE INDEX room_messages_author ON room_messages (author_id)`);

    await q.query(`
      CREATE TABLE room_transcripts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        content text NOT NULL,
        language text,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX room_transcripts_room_created ON room_transcripts (room_id, created_at, id)`);

    await q.query(`
      CREATE TABLE room_invites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        code text NOT NULL,
        role text NOT NULL DEFAULT 'MEMBER' CHECK (role IN ('MODERATOR', 'MEMBER', 'GUEST')),
        active boolean NOT NULL DEFAULT true,
        expires_at timestamptz,
        max_uses integer CHECK (max_uses > 0),
        uses integer NOT NULL DEFAULT 0 CHECK (uses >= 0),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX room_invites_code_key ON room_invites (code)`);
    await q.query(`CREATE INDEX room_invites_room_created ON room_invites (room_id, created_at, id)`);

    await q.query(`
      CREATE TABLE room_sip_configs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        sip_id text NOT NULL,
        password_enc text NOT NULL,
        enable_lobby boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX room_sip_configs_room_key ON room_sip_configs (room_id)`);
    await q.query(`CREATE UNIQUE INDEX room_sip_configs_sip_id_key ON room_sip_configs (sip_id)`);

    await q.query(`
      CREATE TABLE room_streaming_targets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        kind text NOT NULL DEFAULT 'custom' CHECK (kind IN ('custom', 'livestream')),
        name text NOT NULL,
        streaming_endpoint text NOT NULL,
        stream_key_enc text NOT NULL,
        public_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX room_streaming_targets_room ON room_streaming_targets (room_id, created_at, id)`);

    // The asset itself lives in the files module (files table, issue to come): asset_id gets its FK there.
    await q.query(`
      CREATE TABLE room_assets (
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        asset_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (room_id, asset_id),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX room_assets_asset ON room_assets (asset_id)`);

    await q.query(`
      CREATE TABLE module_resources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        namespace text NOT NULL,
        tag text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX module_resources_room_namespace ON module_resources (room_id, namespace, tag)`);

    await q.query(`
      CREATE TABLE dashboard_panels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        name text NOT NULL,
        layout jsonb NOT NULL DEFAULT '{}'::jsonb,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX dashboard_panels_id_room_key ON dashboard_panels (id, room_id)`);
    await q.query(`CREATE INDEX dashboard_panels_room_created ON dashboard_panels (room_id, created_at, id)`);

    // file_id gets its FK to files with the files module.
    await q.query(`
      CREATE TABLE room_data_refs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        room_id uuid NOT NULL,
        file_id uuid NOT NULL,
        panel_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (room_id, tenant_id) REFERENCES rooms(id, tenant_id) ON DELETE CASCADE,
        FOREIGN KEY (panel_id, room_id) REFERENCES dashboard_panels(id, room_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX room_data_refs_room ON room_data_refs (room_id, created_at, id)`);
    await q.query(`CREATE INDEX room_data_refs_file ON room_data_refs (file_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'room_data_refs',
      'dashboard_panels',
      'module_resources',
      'room_assets',
      'room_streaming_targets',
      'room_sip_configs',
      'room_invites',
      'room_transcripts',
      'room_messages',
      'room_members',
      'rooms',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
