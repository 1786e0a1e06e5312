import type { PolicyAction, PolicyObject } from './access.constants';
import type { RoleRow } from './casbin-rule.repository';
import type { PolicyDto } from './dto/policy.dto';
import type { RoleAssignmentDto, RoleDto } from './dto/role.dto';
import type { PolicyRule, RoleLink } from './tenant-policy';

export function toPolicyDto(rule: PolicyRule): PolicyDto {
  return {
    id: rule.id,
    subject: rule.subject,
    object: rule.object as PolicyObject,
    action: rule.action as PolicyAction,
    effect: rule.effect,
  };
}

export function toRoleDto(row: RoleRow): RoleDto {
  return { name: row.name, builtIn: row.builtIn, policies: row.policies, members: row.members };
}

export function toRoleAssignmentDto(role: string, link: Pick<RoleLink, 'member'>): RoleAssignmentDto {
  return { role, subject: link.member, subjectType: link.member.startsWith('group:') ? 'group' : 'user' };
}
