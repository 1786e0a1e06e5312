import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { ASSIGNABLE_ROOM_ROLES, AssignableRoomRole, ROOM_ROLES, RoomRole } from '../core/rooms.constants';

export class RoomMemberDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  username!: string;
  @ApiProperty({ type: String, nullable: true }) displayName!: string | null;
  @ApiProperty({ enum: ROOM_ROLES, enumName: 'RoomRole' }) role!: RoomRole;
  @ApiProperty({ format: 'date-time' }) joinedAt!: string;
}

export class AddRoomMemberDto {
  @ApiProperty({ format: 'uuid', description: "A user of the caller's tenant." }) @IsUUID() userId!: string;
  @ApiProperty({ enum: ASSIGNABLE_ROOM_ROLES, enumName: 'AssignableRoomRole', description: 'OWNER is given only by transfer-ownership.' })
  @IsIn(ASSIGNABLE_ROOM_ROLES)
  role!: AssignableRoomRole;
}

export class UpdateRoomMemberDto {
  @ApiProperty({ enum: ASSIGNABLE_ROOM_ROLES, enumName: 'AssignableRoomRole' }) @IsIn(ASSIGNABLE_ROOM_ROLES) role!: AssignableRoomRole;
}
