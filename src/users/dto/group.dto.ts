import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';
import { trim } from '../../common/http/transforms';

export class GroupDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  memberCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreateGroupDto {
  @Transform(trim) @IsString() @Length(1, 100) name!: string;
  @IsOptional() @IsString() @MaxLength(500) description?: string;
}

export class UpdateGroupDto {
  @IsOptional() @Transform(trim) @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(500) description?: string | null;
}

export class GroupQueryDto extends PageQueryDto {}

export class GroupMemberDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  username!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

export class AddGroupMemberDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId!: string;
}
