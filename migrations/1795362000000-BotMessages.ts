import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bot messages (docs/rooms.md "Bot messages"): a message without author carries the name the
 * integration posts under, and a bot's `client_message_id` makes its resend idempotent per room
 * (the index of user messages is per author, and a bot has none).
 */
export class BotMessages1795362000000 implements MigrationInterface {
  name = 'BotMessages1795362000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE room_messages ADD COLUMN bot_name text CHECK (char_length(bot_name) BETWEEN 1 AND 64)`);
    await q.query(`ALTER TABLE room_messages ADD CONSTRAINT room_messages_bot_name_kind_check CHECK (kind = 'bot' OR bot_name IS NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX room_messages_bot_client_id_key ON room_messages (room_id, client_message_id) WHERE kind = 'bot' AND client_message_id IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS room_messages_bot_client_id_key`);
    await q.query(`ALTER TABLE room_messages DROP CONSTRAINT room_messages_bot_name_kind_check`);
    await q.query(`ALTER TABLE room_messages DROP COLUMN bot_name`);
  }
}
