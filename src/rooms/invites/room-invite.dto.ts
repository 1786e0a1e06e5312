import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ROOM_ROLES, RoomRole } from '../core/rooms.constants';
import { IsRfc3339 } from '../../common/time/rfc3339';

export const INVITE_ROLES = ['MEMBER', 'GUEST'] as const;
export type InviteRole = (typeof INVITE_ROLES)[number];

export class RoomInviteDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ example: 'K7M2XQ9PAB3D', description: '12 characters without look-alikes (no 0/O/1/I/L).' }) code!: string;
  @ApiProperty({ enum: INVITE_ROLES, enumName: 'InviteRole' }) role!: InviteRole;
  active!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) maxUses!: number | null;
  @ApiProperty({ type: 'integer' }) uses!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreateInviteDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'In the future; omitted: never expires.' })
  @IsOptional() @IsRfc3339()
  expiresAt?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100000, description: 'Omitted: unlimited.' })
  @IsOptional() @IsInt() @Min(1) @Max(100000)
  maxUses?: number;

  @ApiPropertyOptional({ enum: INVITE_ROLES, enumName: 'InviteRole', default: 'MEMBER' })
  @IsOptional() @IsIn(INVITE_ROLES)
  role?: InviteRole;
}

export class RedeemInviteResultDto {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ enum: ROOM_ROLES, enumName: 'RoomRole', description: "The caller's role in the room." }) role!: RoomRole;
  @ApiProperty({ description: 'false when the caller already was a member (nothing changed, no use counted).' }) joined!: boolean;
}
