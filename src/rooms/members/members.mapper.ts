import type { UserSummary } from '../../users/user-account';
import { RoomMemberDto } from './room-member.dto';
import { RoomMemberEntity } from './room-member.entity';

/** A membership with the names the users directory gives for its user. */
export function toRoomMemberDto(member: RoomMemberEntity, user: Pick<UserSummary, 'username' | 'displayName'>): RoomMemberDto {
  return { userId: member.userId, username: user.username, displayName: user.displayName, role: member.role, joinedAt: member.joinedAt.toISOString() };
}
