/**
 * The vocabulary of authorization (docs/authorization.md): resources (Casbin
 * objects), verbs (actions), effects, subjects and the default roles of a tenant.
 */

export { ACCESS_ACTIONS, ACCESS_OBJECTS, type AccessAction, type AccessObject } from '../common/auth/access-vocabulary';
import { ACCESS_ACTIONS, ACCESS_OBJECTS } from '../common/auth/access-vocabulary';

/** A policy may also name every object or every action with `*`. */
export const WILDCARD = '*';
export const POLICY_OBJECTS = [...ACCESS_OBJECTS, WILDCARD] as const;
export type PolicyObject = (typeof POLICY_OBJECTS)[number];
export const POLICY_ACTIONS = [...ACCESS_ACTIONS, WILDCARD] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const POLICY_EFFECTS = ['allow', 'deny'] as const;
export type PolicyEffect = (typeof POLICY_EFFECTS)[number];

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A role name: a lowercase slug of 2 to 32 characters. */
export const ROLE_NAME = /^[a-z][a-z0-9-]{1,31}$/;
/** `user:<uuid>`, `group:<uuid>` or `role:<name>`. */
export const SUBJECT = new RegExp(`^(?:(?:user|group):${UUID}|role:[a-z][a-z0-9-]{1,31})$`);
/** What can hold a role: `user:<uuid>` or `group:<uuid>`. */
export const MEMBER_SUBJECT = new RegExp(`^(?:user|group):${UUID}$`);

export const userSubject = (userId: string): string => `user:${userId}`;
export const groupSubject = (groupId: string): string => `group:${groupId}`;
export const roleSubject = (role: string): string => `role:${role}`;
export const ROLE_PREFIX = 'role:';
export const USER_PREFIX = 'user:';

export const DEFAULT_TENANT_ROLES = ['admin', 'member', 'guest'] as const;
export type DefaultTenantRole = (typeof DEFAULT_TENANT_ROLES)[number];

/** Roles per tenant, built-in ones included: keeps `GET /roles` a bounded list. */
export const MAX_ROLES_PER_TENANT = 100;

const FULL: PolicyAction = WILDCARD;
/** The policies `seedTenant` gives each default role (all `allow`). Mirrored in docs/authorization.md. */
export const DEFAULT_ROLE_POLICIES: Record<DefaultTenantRole, ReadonlyArray<readonly [PolicyObject, PolicyAction]>> = {
  admin: [[WILDCARD, WILDCARD]],
  member: [
    ['users', 'read'],
    ['groups', 'read'],
    ['rooms', FULL],
    ['invites', FULL],
    ['events', FULL],
    ['chats', FULL],
    ['workspaces', FULL],
    ['coding-sessions', FULL],
    ['deployments', FULL],
    ['files', FULL],
    ['models', 'read'],
    ['model-providers', 'read'],
    ['tariffs', 'read'],
    ['licenses', 'read'],
  ],
  guest: [
    ['rooms', 'read'],
    ['events', 'read'],
    ['chats', 'read'],
    ['files', 'read'],
  ],
};
