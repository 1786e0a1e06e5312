import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { MEMBER_SUBJECT, ROLE_NAME } from '../access.constants';

export const ROLE_MEMBER_TYPES = ['user', 'group'] as const;
export type RoleMemberType = (typeof ROLE_MEMBER_TYPES)[number];

export class RoleDto {
  @ApiProperty({ example: 'member', pattern: ROLE_NAME.source }) name!: string;
  @ApiProperty({ description: 'A default role of every tenant (admin, member, guest); it cannot be deleted.' }) builtIn!: boolean;
  @ApiProperty({ description: 'Policies whose subject is this role.' }) policies!: number;
  @ApiProperty({ description: 'Users and groups holding this role directly.' }) members!: number;
}

export class CreateRoleDto {
  @ApiProperty({ example: 'auditor', pattern: ROLE_NAME.source, description: 'A lowercase slug: 2 to 32 letters, digits or dashes, starting with a letter.' })
  @Matches(ROLE_NAME, { message: 'name must be 2 to 32 lowercase letters, digits or dashes, starting with a letter' })
  name!: string;
}

export class RoleAssignmentDto {
  @ApiProperty({ example: 'member' }) role!: string;
  @ApiProperty({ example: 'user:3f2c1c1e-6a7b-4a8e-9f3d-0c1b2a3d4e5f', pattern: MEMBER_SUBJECT.source }) subject!: string;
  @ApiProperty({ enum: ROLE_MEMBER_TYPES, enumName: 'RoleMemberType' }) subjectType!: RoleMemberType;
}

export class CreateRoleAssignmentDto {
  @ApiProperty({ example: 'user:3f2c1c1e-6a7b-4a8e-9f3d-0c1b2a3d4e5f', pattern: MEMBER_SUBJECT.source, description: '`user:<uuid>` or `group:<uuid>`.' })
  @Matches(MEMBER_SUBJECT, { message: 'subject must be user:<uuid> or group:<uuid>' })
  subject!: string;
}
