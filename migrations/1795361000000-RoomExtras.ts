import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Columns the room extras need (issue 4 items 4-6, docs/rooms.md "Transcripts, invites, SIP,
 * streaming, panels, module resources"): transcript segment timing and speaker, the length of a
 * segment, and the streaming target kinds rtmp / rtmps / srt / custom.
 */
export class RoomExtras1795361000000 implements MigrationInterface {
  name = 'RoomExtras1795361000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE room_transcripts ADD COLUMN speaker_user_id uuid REFERENCES users(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE room_transcripts ADD COLUMN started_at_ms bigint CHECK (started_at_ms >= 0)`);
    await q.query(`ALTER TABLE room_transcripts ADD COLUMN ended_at_ms bigint CHECK (ended_at_ms >= 0)`);
    await q.query(`ALTER TABLE room_transcripts ADD CONSTRAINT room_transcripts_span_check CHECK (ended_at_ms IS NULL OR started_at_ms IS NULL OR ended_at_ms >= started_at_ms)`);
    await q.query(`ALTER TABLE room_transcripts ADD CONSTRAINT room_transcripts_content_length_check CHECK (char_length(content) BETWEEN 1 AND 4000)`);
    await q.query(`CREATE INDEX room_transcripts_speaker ON room_transcripts (speaker_user_id)`);
    await q.query(`ALTER TABLE room_streaming_targets DROP CONSTRAINT room_streaming_targets_kind_check`);
    await q.query(`ALTER TABLE room_streaming_targets ADD CONSTRAINT room_streaming_targets_kind_check CHECK (kind IN ('rtmp', 'rtmps', 'srt', 'custom'))`);
    await q.query(`CREATE INDEX module_resources_room_created ON module_resources (room_id, created_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS module_resources_room_created`);
    await q.query(`ALTER TABLE room_streaming_targets DROP CONSTRAINT room_streaming_targets_kind_check`);
    await q.query(`UPDATE room_streaming_targets SET kind = 'custom' WHERE kind NOT IN ('custom', 'livestream')`);
    await q.query(`ALTER TABLE room_streaming_targets ADD CONSTRAINT room_streaming_targets_kind_check CHECK (kind IN ('custom', 'livestream'))`);
    await q.query(`DROP INDEX IF EXISTS room_transcripts_speaker`);
    await q.query(`ALTER TABLE room_transcripts DROP CONSTRAINT room_transcripts_content_length_check`);
    await q.query(`ALTER TABLE room_transcripts DROP CONSTRAINT room_transcripts_span_check`);
    await q.query(`ALTER TABLE room_transcripts DROP COLUMN ended_at_ms, DROP COLUMN started_at_ms, DROP COLUMN speaker_user_id`);
  }
}
