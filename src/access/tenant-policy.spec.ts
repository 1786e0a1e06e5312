import { PolicyRule, RoleLink, TenantPolicy } from './tenant-policy';

const T = '11111111-1111-4111-8111-111111111111';
const U = 'user:22222222-2222-4222-8222-222222222222';
const G = 'group:33333333-3333-4333-8333-333333333333';

let nextId = 1;
const p = (subject: string, object: string, action: string, effect: 'allow' | 'deny' = 'allow'): PolicyRule => ({ id: nextId++, subject, object, action, effect });
const g = (member: string, parent: string): RoleLink => ({ id: nextId++, member, parent });

describe('TenantPolicy (Casbin model)', () => {
  it('allows through a role and denies what no rule allows', async () => {
    const policy = await TenantPolicy.build(T, { policies: [p('role:member', 'rooms', '*')], links: [g(U, 'role:member')] });
    expect(policy.enforce(U, 'rooms', 'create')).toBe(true);
    expect(policy.enforce(U, 'users', 'read')).toBe(false);
    expect(policy.enforce('user:unknown', 'rooms', 'read')).toBe(false);
  });

  it('lets a deny win over an allow, directly or through a group', async () => {
    const allow = p('role:member', 'rooms', '*');
    const directDeny = p(U, 'rooms', 'delete', 'deny');
    const groupDeny = p(G, 'rooms', 'update', 'deny');
    const policy = await TenantPolicy.build(T, { policies: [allow, directDeny, groupDeny], links: [g(U, 'role:member'), g(U, G)] });
    expect(policy.enforce(U, 'rooms', 'read')).toBe(true);
    expect(policy.explain(U, 'rooms', 'read')).toEqual({ allowed: true, rule: allow });
    expect(policy.explain(U, 'rooms', 'delete')).toEqual({ allowed: false, rule: directDeny });
    expect(policy.explain(U, 'rooms', 'update')).toEqual({ allowed: false, rule: groupDeny });
  });

  it('names the deny even when an allow matched first', async () => {
    const deny = p(U, '*', '*', 'deny');
    const policy = await TenantPolicy.build(T, { policies: [p('role:admin', '*', '*'), deny], links: [g(U, 'role:admin')] });
    expect(policy.explain(U, 'jobs', 'read')).toEqual({ allowed: false, rule: deny });
  });

  it('inherits roles through groups and wildcards objects and actions', async () => {
    const policy = await TenantPolicy.build(T, {
      policies: [p('role:admin', '*', '*'), p('role:reader', '*', 'read')],
      links: [g(U, G), g(G, 'role:reader')],
    });
    expect(policy.enforce(U, 'files', 'read')).toBe(true);
    expect(policy.enforce(U, 'files', 'delete')).toBe(false);
    expect(await policy.roleNames(U)).toEqual(['reader']);
    expect(policy.explain(U, 'jobs', 'create')).toEqual({ allowed: false, rule: null });
  });

  it('ignores duplicate rows instead of failing the load', async () => {
    const rule = p('role:member', 'rooms', 'read');
    const policy = await TenantPolicy.build(T, { policies: [rule, { ...rule, id: 999 }], links: [g(U, 'role:member'), g(U, 'role:member')] });
    expect(policy.enforce(U, 'rooms', 'read')).toBe(true);
  });

  it('never applies a rule of another domain', async () => {
    const other = await TenantPolicy.build('99999999-9999-4999-8999-999999999999', { policies: [p(U, '*', '*')], links: [] });
    const policy = await TenantPolicy.build(T, { policies: [], links: [] });
    expect(other.enforce(U, 'rooms', 'read')).toBe(true);
    expect(policy.enforce(U, 'rooms', 'read')).toBe(false);
  });
});
