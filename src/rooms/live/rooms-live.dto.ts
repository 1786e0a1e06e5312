import { IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { AppendTranscriptDto } from './room-extras.dto';
import { MESSAGE_MAX_LENGTH } from '../rooms.constants';

/**
 * Payloads of the client -> server events of the live rooms (`/rooms` namespace), validated with
 * `parsePayload` like HTTP bodies: unknown fields are refused and every bad field is named in `errors[]`.
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

/** `message:send`: the same text rules as `POST /rooms/{id}/messages`; `clientMessageId` makes a resend idempotent. */
export class SendMessagePayload {
  @IsUUID()
  roomId!: string;

  @IsString()
  @Length(1, MESSAGE_MAX_LENGTH)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;

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

/**
 * `transcript:append`: the body of `POST /rooms/{id}/transcripts` (`AppendTranscriptDto`: text 1..4000,
 * startedAt?, endedAt?, speakerUserId?, language?) plus the room.
 */
export class AppendTranscriptPayload extends AppendTranscriptDto {
  @IsUUID()
  roomId!: string;
}
