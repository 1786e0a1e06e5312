import { PickType } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PostRoomMessageDto } from '../messages/room-message.dto';
import { AppendTranscriptDto } from '../transcripts/room-transcript.dto';

/**
 * Payloads of the client -> server events of the live rooms (`/rooms` namespace), validated with
 * `parsePayload` like HTTP bodies: unknown fields are refused and every bad field is named in
 * `errors[]`. Where an event does what a REST route does, its payload is that route's body DTO
 * plus the room, so the two cannot drift apart.
 */

/** `room:leave`, `typing`. */
export class RoomRefPayload {
  @IsUUID()
  roomId!: string;
}

/** `room:join`. */
export class JoinRoomPayload {
  @IsUUID()
  roomId!: string;

  /** Needed by members and guests when the room has a password. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  password?: string;
}

/** `message:send`: the `text` of `POST /rooms/{id}/messages` (PostRoomMessageDto); here `clientMessageId` is required. */
export class SendMessagePayload extends PickType(PostRoomMessageDto, ['text'] as const) {
  @IsUUID()
  roomId!: string;

  /** Makes a resend idempotent: the same id returns the stored message and broadcasts nothing. */
  @IsUUID()
  clientMessageId!: string;
}

/** `waiting:admit`, `waiting:deny`. */
export class WaitingDecisionPayload {
  @IsUUID()
  roomId!: string;

  @IsUUID()
  userId!: string;
}

/** `transcript:append`: the body of `POST /rooms/{id}/transcripts` (AppendTranscriptDto) plus the room. */
export class AppendTranscriptPayload extends AppendTranscriptDto {
  @IsUUID()
  roomId!: string;
}
