/** Domain events of the rooms module (see DomainEventMap). */
import type { RoomRole } from './core/rooms.constants';
import type { RoomMessageDto } from './messages/room-message.dto';
import type { RoomTranscriptDto } from './transcripts/room-transcript.dto';

/** The room an event is about. */
export interface RoomRef {
  tenantId: string;
  roomId: string;
}

/** Why a member is no longer in a room. */
export type MemberRemovedReason = 'removed' | 'left';

declare module '../common/events/domain-events' {
  interface DomainEventMap {
    /** A room's settings changed (name, password, waiting room, viz). */
    'room.updated': RoomRef;
    /** A room was deleted with its members, messages and the rest. */
    'room.deleted': RoomRef;
    /** The owner handed the room to another member (and became MODERATOR). */
    'room.ownership-transferred': RoomRef & { fromUserId: string; toUserId: string };
    /** A user became a member (added by a moderator, or by redeeming an invite). */
    'room.member.added': RoomRef & { userId: string; role: RoomRole };
    /** A member's room role changed. */
    'room.member.updated': RoomRef & { userId: string; role: RoomRole; previousRole: RoomRole };
    /** A member was removed, or left. */
    'room.member.removed': RoomRef & { userId: string; reason: MemberRemovedReason };
    /** A message (a user's or a bot's) was stored; a resend of a stored one publishes nothing. */
    'room.message.posted': RoomRef & { message: RoomMessageDto };
    /** A message's text was edited. */
    'room.message.edited': RoomRef & { message: RoomMessageDto };
    /** A message was deleted (its text is gone, the message stays as deleted). */
    'room.message.deleted': RoomRef & { message: RoomMessageDto };
    /** A transcript segment was appended (over REST or the socket). */
    'room.transcript.appended': RoomRef & { transcript: RoomTranscriptDto };
  }
}
