import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';
import { ACCESS_ACTIONS, ACCESS_OBJECTS, type AccessAction, type AccessObject, POLICY_ACTIONS, POLICY_EFFECTS, POLICY_OBJECTS, type PolicyAction, type PolicyEffect, type PolicyObject, SUBJECT } from '../access.constants';

const SUBJECT_DOC = {
  description: '`user:<uuid>`, `group:<uuid>` or `role:<name>`.',
  example: 'role:member',
  pattern: SUBJECT.source,
};
const SUBJECT_MESSAGE = { message: 'subject must be user:<uuid>, group:<uuid> or role:<name>' };

export class PolicyDto {
  @ApiProperty({ description: 'Id of the rule.', example: 42 }) id!: number;
  @ApiProperty(SUBJECT_DOC) subject!: string;
  @ApiProperty({ enum: POLICY_OBJECTS, enumName: 'PolicyObject', description: 'A resource, or `*` for every resource.' }) object!: PolicyObject;
  @ApiProperty({ enum: POLICY_ACTIONS, enumName: 'PolicyAction', description: 'A verb, or `*` for every verb.' }) action!: PolicyAction;
  @ApiProperty({ enum: POLICY_EFFECTS, enumName: 'PolicyEffect', description: 'A deny wins over any allow.' }) effect!: PolicyEffect;
}

export class CreatePolicyDto {
  @ApiProperty(SUBJECT_DOC) @Matches(SUBJECT, SUBJECT_MESSAGE) subject!: string;
  @ApiProperty({ enum: POLICY_OBJECTS, enumName: 'PolicyObject' }) @IsIn(POLICY_OBJECTS) object!: PolicyObject;
  @ApiProperty({ enum: POLICY_ACTIONS, enumName: 'PolicyAction' }) @IsIn(POLICY_ACTIONS) action!: PolicyAction;
  @ApiProperty({ enum: POLICY_EFFECTS, enumName: 'PolicyEffect' }) @IsIn(POLICY_EFFECTS) effect!: PolicyEffect;
}

export class PolicyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ ...SUBJECT_DOC, description: 'Only rules of this subject (exact).' })
  @IsOptional()
  @Matches(SUBJECT, SUBJECT_MESSAGE)
  subject?: string;

  @ApiPropertyOptional({ enum: POLICY_OBJECTS, enumName: 'PolicyObject', description: 'Only rules on this object (exact; `*` lists wildcard rules).' })
  @IsOptional()
  @IsIn(POLICY_OBJECTS)
  object?: PolicyObject;

  @ApiPropertyOptional({ enum: POLICY_EFFECTS, enumName: 'PolicyEffect' })
  @IsOptional()
  @IsIn(POLICY_EFFECTS)
  effect?: PolicyEffect;
}

export class CheckPolicyDto {
  @ApiProperty(SUBJECT_DOC) @Matches(SUBJECT, SUBJECT_MESSAGE) subject!: string;
  @ApiProperty({ enum: ACCESS_OBJECTS, enumName: 'AccessObject' }) @IsIn(ACCESS_OBJECTS) object!: AccessObject;
  @ApiProperty({ enum: ACCESS_ACTIONS, enumName: 'AccessAction' }) @IsIn(ACCESS_ACTIONS) action!: AccessAction;
}

export class PolicyCheckDto {
  allowed!: boolean;
  @ApiProperty({ type: PolicyDto, nullable: true, description: 'The rule that decided: the deny when a deny won, else the allow; null when no rule matched.' })
  decidedBy!: PolicyDto | null;
  @ApiProperty({ example: 'allowed by policy 42 (role:member may * rooms), which applies through role:member' }) reason!: string;
}
