import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { BOT_NAME_MAX_LENGTH, MESSAGE_KINDS, MESSAGE_MAX_LENGTH, MessageKind } from '../core/rooms.constants';

export const MESSAGE_PAGE_MAX = 100;
export const MESSAGE_PAGE_DEFAULT = 50;

export class RoomMessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for bot messages and for messages of a deleted user.' })
  authorId!: string | null;
  @ApiProperty({ enum: MESSAGE_KINDS, enumName: 'RoomMessageKind' }) kind!: MessageKind;
  @ApiProperty({ type: String, nullable: true, description: 'The name a bot message was posted under; null for user messages.' })
  botName!: string | null;
  @ApiProperty({ description: 'Empty once the message is deleted.' }) text!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "The author's idempotency key, when one was sent." })
  clientMessageId!: string | null;
  deleted!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) editedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class RoomMessagePageDto {
  @ApiProperty({ type: [RoomMessageDto] }) items!: RoomMessageDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Id of the last item when more exist: pass it as `before` (newest-first pages) or `after` (pages of newer messages) to continue; null at the end.',
  })
  nextCursor!: string | null;
}

/**
 * Without `before`/`after`: the newest messages, newest first. `before=<id>`: the messages older than
 * that one, newest first. `after=<id>`: the messages newer than that one, oldest first.
 */
export class RoomMessageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MESSAGE_PAGE_MAX, default: MESSAGE_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MESSAGE_PAGE_MAX)
  limit: number = MESSAGE_PAGE_DEFAULT;

  @ApiPropertyOptional({ format: 'uuid', description: 'Page back: messages older than this message of the room (newest first).' })
  @IsOptional()
  @IsUUID()
  before?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Catch up: messages newer than this message of the room (oldest first).' })
  @IsOptional()
  @IsUUID()
  after?: string;
}

export class PostRoomMessageDto {
  @ApiProperty({ minLength: 1, maxLength: MESSAGE_MAX_LENGTH })
  @IsString()
  @Length(1, MESSAGE_MAX_LENGTH)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Idempotency key: a resend with the same key returns the stored message (200) and creates nothing.' })
  @IsOptional()
  @IsUUID()
  clientMessageId?: string;
}

/** `POST /rooms/{id}/bot-messages`: a message without author, shown under `botName`. */
export class PostBotMessageDto extends PostRoomMessageDto {
  @ApiProperty({ minLength: 1, maxLength: BOT_NAME_MAX_LENGTH, description: 'The name the message is shown under (the bot or integration).' })
  @IsString()
  @Length(1, BOT_NAME_MAX_LENGTH)
  @Matches(/\S/, { message: 'botName must not be blank' })
  botName!: string;
}

export class EditRoomMessageDto {
  @ApiProperty({ minLength: 1, maxLength: MESSAGE_MAX_LENGTH })
  @IsString()
  @Length(1, MESSAGE_MAX_LENGTH)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;
}
