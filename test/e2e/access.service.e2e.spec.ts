import { randomUUID } from 'node:crypto';
import { AccessService, DEFAULT_TENANT_ROLES } from '../../src/access/access.service';
import { PoliciesService } from '../../src/access/policies.service';
import { RolesService } from '../../src/access/roles.service';
import type { Principal } from '../../src/common/auth/principal';
import { AppException } from '../../src/common/errors/app.exception';
import { DataSource } from 'typeorm';
import { Transactions } from '../../src/common/database/transactions';
import { TestApp, startTestApp } from '../helpers/test-app';

/**
 * AccessService and the policy / role services on a real database, without HTTP:
 * enforcement semantics, tenant isolation, seeding, and transactional refresh.
 */
describe('access (services on a real database)', () => {
  let app: TestApp;
  let access: AccessService;
  let policies: PoliciesService;
  let roles: RolesService;
  let transactions: Transactions;

  const principal = (tenantId: string, userId: string): Principal => ({ tenantId, userId, role: 'user', via: 'access-token' });
  /** A tenant admin of `tenantId` calling the policy API (the services take the caller). */
  const actor = (tenantId: string): Principal => principal(tenantId, randomUUID());
  const tx = <T>(fn: () => Promise<T>): Promise<T> => transactions.run(fn);
  const newTenant = async (): Promise<string> => {
    const tenantId = randomUUID();
    await tx(() => access.seedTenant(tenantId));
    return tenantId;
  };
  const newUser = async (tenantId: string, role?: string): Promise<string> => {
    const userId = randomUUID();
    if (role) await tx(() => access.setUserRole(tenantId, userId, role));
    return userId;
  };

  beforeAll(async () => {
    app = await startTestApp();
    access = app.app.get(AccessService);
    policies = app.app.get(PoliciesService);
    roles = app.app.get(RolesService);
    transactions = app.app.get(Transactions);
  });
  afterAll(() => app?.close());

  describe('default roles', () => {
    it('gives admin everything, member the collaboration resources, guest read access', async () => {
      const t = await newTenant();
      const admin = principal(t, await newUser(t, 'admin'));
      const member = principal(t, await newUser(t, 'member'));
      const guest = principal(t, await newUser(t, 'guest'));
      expect(await access.enforce(admin, 'policies', 'manage')).toBe(true);
      expect(await access.enforce(admin, 'tenants', 'delete')).toBe(true);
      expect(await access.enforce(member, 'rooms', 'create')).toBe(true);
      expect(await access.enforce(member, 'users', 'read')).toBe(true);
      expect(await access.enforce(member, 'users', 'update')).toBe(false);
      expect(await access.enforce(member, 'policies', 'read')).toBe(false);
      expect(await access.enforce(member, 'models', 'read')).toBe(true);
      expect(await access.enforce(member, 'models', 'create')).toBe(false);
      expect(await access.enforce(guest, 'rooms', 'read')).toBe(true);
      expect(await access.enforce(guest, 'rooms', 'create')).toBe(false);
      expect(await access.enforce(guest, 'users', 'read')).toBe(false);
    });

    it('seeds idempotently', async () => {
      const t = await newTenant();
      const before = await roles.list(t);
      await tx(() => access.seedTenant(t));
      await tx(() => access.seedTenant(t));
      expect(await roles.list(t)).toEqual(before);
      expect(before.map((r) => r.name)).toEqual([...DEFAULT_TENANT_ROLES].sort());
      expect(before.every((r) => r.builtIn)).toBe(true);
      expect(before.find((r) => r.name === 'member')?.policies).toBe(14);
    });
  });

  describe('enforcement', () => {
    it('denies an unknown subject and an unseeded tenant', async () => {
      const t = await newTenant();
      expect(await access.enforce(principal(t, randomUUID()), 'rooms', 'read')).toBe(false);
      expect(await access.enforce(principal(randomUUID(), randomUUID()), 'rooms', 'read')).toBe(false);
    });

    it('lets a direct deny win over an allow through a role', async () => {
      const t = await newTenant();
      const u = await newUser(t, 'member');
      await policies.create(actor(t), { subject: `user:${u}`, object: 'rooms', action: 'delete', effect: 'deny' });
      expect(await access.enforce(principal(t, u), 'rooms', 'read')).toBe(true);
      expect(await access.enforce(principal(t, u), 'rooms', 'delete')).toBe(false);
    });

    it('lets a deny through a group win, and inherits roles through groups', async () => {
      const t = await newTenant();
      const u = await newUser(t);
      const group = randomUUID();
      expect(await access.enforce(principal(t, u), 'files', 'read')).toBe(false);
      await tx(() => access.addGroupMember(t, group, u));
      await roles.addAssignment(actor(t), 'member', { subject: `group:${group}` });
      expect(await access.enforce(principal(t, u), 'files', 'create')).toBe(true);
      expect(await access.getUserRoles(t, u)).toEqual(['member']);
      await policies.create(actor(t), { subject: `group:${group}`, object: 'files', action: '*', effect: 'deny' });
      expect(await access.enforce(principal(t, u), 'files', 'read')).toBe(false);
      expect(await access.enforce(principal(t, u), 'rooms', 'read')).toBe(true);
      await tx(() => access.removeGroupMember(t, group, u));
      expect(await access.enforce(principal(t, u), 'rooms', 'read')).toBe(false);
      expect(await access.getUserRoles(t, u)).toEqual([]);
    });

    it('matches `*` objects and actions', async () => {
      const t = await newTenant();
      await roles.create(t, { name: 'reader' });
      await policies.create(actor(t), { subject: 'role:reader', object: '*', action: 'read', effect: 'allow' });
      await policies.create(actor(t), { subject: 'role:reader', object: 'jobs', action: '*', effect: 'allow' });
      const u = await newUser(t, 'reader');
      expect(await access.enforce(principal(t, u), 'audit-logs', 'read')).toBe(true);
      expect(await access.enforce(principal(t, u), 'audit-logs', 'delete')).toBe(false);
      expect(await access.enforce(principal(t, u), 'jobs', 'delete')).toBe(true);
    });

    it('setUserRole replaces the direct role and keeps roles through groups', async () => {
      const t = await newTenant();
      await newUser(t, 'admin'); // another admin: the tenant keeps one when u is demoted
      const u = await newUser(t, 'admin');
      const group = randomUUID();
      await tx(() => access.addGroupMember(t, group, u));
      await roles.addAssignment(actor(t), 'guest', { subject: `group:${group}` });
      expect(await access.getUserRoles(t, u)).toEqual(['admin', 'guest']);
      await tx(() => access.setUserRole(t, u, 'member'));
      expect(await access.getUserRoles(t, u)).toEqual(['guest', 'member']);
      expect(await access.enforce(principal(t, u), 'policies', 'manage')).toBe(false);
    });

    it('refuses an unknown role with a 400 naming `role`', async () => {
      const t = await newTenant();
      const err = await tx(() => access.setUserRole(t, randomUUID(), 'superuser')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppException);
      expect(err).toMatchObject({ status: 400, errors: [{ field: 'role' }] });
    });

    it('removeUser and removeGroup drop links and policies', async () => {
      const t = await newTenant();
      const u = await newUser(t, 'member');
      const group = randomUUID();
      await tx(() => access.addGroupMember(t, group, u));
      await policies.create(actor(t), { subject: `group:${group}`, object: 'jobs', action: 'read', effect: 'allow' });
      await policies.create(actor(t), { subject: `user:${u}`, object: 'tariffs', action: 'update', effect: 'allow' });
      expect(await access.enforce(principal(t, u), 'jobs', 'read')).toBe(true);
      await tx(() => access.removeGroup(t, group));
      expect(await access.enforce(principal(t, u), 'jobs', 'read')).toBe(false);
      expect((await policies.list(t, { limit: 100, subject: `group:${group}` })).items).toEqual([]);
      expect(await access.enforce(principal(t, u), 'tariffs', 'update')).toBe(true);
      await tx(() => access.removeUser(t, u));
      expect(await access.enforce(principal(t, u), 'tariffs', 'update')).toBe(false);
      expect(await access.getUserRoles(t, u)).toEqual([]);
    });

    it('answers getUserRoles inside a transaction, with its uncommitted changes, without a second connection', async () => {
      const t = await newTenant();
      const u = await newUser(t, 'guest');
      const fresh = randomUUID(); // a tenant nobody has loaded yet
      await tx(async () => {
        await access.seedTenant(fresh);
        await access.setUserRole(fresh, u, 'member');
        await access.setUserRole(t, u, 'admin');
        expect(await access.getUserRoles(fresh, u)).toEqual(['member']);
        expect(await access.getUserRoles(t, u)).toEqual(['admin']);
      });
      expect(await access.getUserRoles(t, u)).toEqual(['admin']);
      expect(await access.getUserRoles(fresh, u)).toEqual(['member']);
    });

    it('changes nothing when the transaction rolls back', async () => {
      const t = await newTenant();
      const u = await newUser(t);
      expect(await access.enforce(principal(t, u), 'rooms', 'read')).toBe(false);
      await expect(
        tx(async () => {
          await access.setUserRole(t, u, 'admin');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await access.enforce(principal(t, u), 'rooms', 'read')).toBe(false);
      expect(await access.getUserRoles(t, u)).toEqual([]);
    });
  });

  describe('tenant isolation', () => {
    it('never applies a rule or a role of tenant B in tenant A', async () => {
      const a = await newTenant();
      const b = await newTenant();
      const userOfA = await newUser(a, 'guest');
      // B makes A's user an admin and allows it everything: in B only.
      await tx(() => access.setUserRole(b, userOfA, 'admin'));
      await policies.create(actor(b), { subject: `user:${userOfA}`, object: '*', action: '*', effect: 'allow' });
      await roles.addAssignment(actor(b), 'member', { subject: `user:${userOfA}` });
      expect(await access.enforce(principal(a, userOfA), 'rooms', 'create')).toBe(false);
      expect(await access.enforce(principal(a, userOfA), 'policies', 'manage')).toBe(false);
      expect(await access.getUserRoles(a, userOfA)).toEqual(['guest']);
      expect(await access.enforce(principal(b, userOfA), 'policies', 'manage')).toBe(true);
    });

    it("lists only the tenant's policies and answers another tenant's id with 404", async () => {
      const a = await newTenant();
      const b = await newTenant();
      const ofA = await policies.create(actor(a), { subject: 'role:guest', object: 'jobs', action: 'read', effect: 'allow' });
      const listB = await policies.list(b, { limit: 100 });
      expect(listB.items.map((p) => p.id)).not.toContain(ofA.id);
      expect(listB.items.every((p) => !(p.object === 'jobs' && p.subject === 'role:guest'))).toBe(true);
      await expect(policies.delete(actor(b), ofA.id)).rejects.toMatchObject({ status: 404 });
      await expect(policies.delete(actor(b), 2_000_000_000)).rejects.toMatchObject({ status: 404 });
      expect((await policies.list(a, { limit: 100, object: 'jobs' })).items).toEqual([ofA]);
    });
  });

  describe('policy and role administration', () => {
    it('pages policies with filters and a stable order', async () => {
      const t = await newTenant();
      const first = await policies.list(t, { limit: 5 });
      expect(first.items).toHaveLength(5);
      const second = await policies.list(t, { limit: 100, cursor: first.nextCursor! });
      const all = await policies.list(t, { limit: 100 });
      expect([...first.items, ...second.items]).toEqual(all.items);
      expect(all.nextCursor).toBeNull();
      expect((await policies.list(t, { limit: 100, subject: 'role:guest' })).items.map((p) => p.object).sort()).toEqual(['chats', 'events', 'files', 'rooms']);
      expect((await policies.list(t, { limit: 100, effect: 'deny' })).items).toEqual([]);
      await expect(policies.list(t, { limit: 5, cursor: 'garbage' })).rejects.toMatchObject({ status: 400 });
    });

    it('refuses a duplicate policy (409) and a policy for an unknown role (400)', async () => {
      const t = await newTenant();
      const rule = { subject: 'role:member', object: 'jobs', action: 'read', effect: 'allow' } as const;
      await policies.create(actor(t), rule);
      await expect(policies.create(actor(t), rule)).rejects.toMatchObject({ status: 409 });
      await expect(policies.create(actor(t), { ...rule, subject: 'role:nobody' })).rejects.toMatchObject({ status: 400, errors: [{ field: 'subject' }] });
    });

    it('explains decisions by naming the rule', async () => {
      const t = await newTenant();
      const u = await newUser(t, 'member');
      const allowed = await policies.check(t, { subject: `user:${u}`, object: 'rooms', action: 'create' });
      expect(allowed).toMatchObject({ allowed: true, decidedBy: { subject: 'role:member', object: 'rooms', action: '*', effect: 'allow' } });
      expect(allowed.reason).toContain('through role:member');
      const deny = await policies.create(actor(t), { subject: `user:${u}`, object: 'rooms', action: 'create', effect: 'deny' });
      const denied = await policies.check(t, { subject: `user:${u}`, object: 'rooms', action: 'create' });
      expect(denied).toMatchObject({ allowed: false, decidedBy: deny });
      const none = await policies.check(t, { subject: `user:${u}`, object: 'jobs', action: 'read' });
      expect(none).toMatchObject({ allowed: false, decidedBy: null });
      expect(none.reason).toContain('denied by default');
    });

    it('creates, counts and deletes roles; built-in roles stay', async () => {
      const t = await newTenant();
      expect(await roles.create(t, { name: 'auditor' })).toEqual({ name: 'auditor', builtIn: false, policies: 0, members: 0 });
      await expect(roles.create(t, { name: 'auditor' })).rejects.toMatchObject({ status: 409 });
      await policies.create(actor(t), { subject: 'role:auditor', object: 'audit-logs', action: 'read', effect: 'allow' });
      const u = await newUser(t, 'auditor');
      expect((await roles.list(t)).find((r) => r.name === 'auditor')).toEqual({ name: 'auditor', builtIn: false, policies: 1, members: 1 });
      expect(await access.enforce(principal(t, u), 'audit-logs', 'read')).toBe(true);
      await expect(roles.delete(actor(t), 'admin')).rejects.toMatchObject({ status: 409 });
      await expect(roles.delete(actor(t), 'ghost')).rejects.toMatchObject({ status: 404 });
      await roles.delete(actor(t), 'auditor');
      expect(await access.enforce(principal(t, u), 'audit-logs', 'read')).toBe(false);
      expect((await roles.list(t)).map((r) => r.name)).toEqual(['admin', 'guest', 'member']);
      expect((await policies.list(t, { limit: 100, subject: 'role:auditor' })).items).toEqual([]);
    });

    it('manages assignments: list, duplicate 409, remove, missing 404', async () => {
      const t = await newTenant();
      const u = randomUUID();
      const g = randomUUID();
      await roles.addAssignment(actor(t), 'member', { subject: `user:${u}` });
      await roles.addAssignment(actor(t), 'member', { subject: `group:${g}` });
      await expect(roles.addAssignment(actor(t), 'member', { subject: `user:${u}` })).rejects.toMatchObject({ status: 409 });
      await expect(roles.addAssignment(actor(t), 'ghost', { subject: `user:${u}` })).rejects.toMatchObject({ status: 404 });
      const page = await roles.listAssignments(t, 'member', { limit: 1 });
      expect(page.items).toEqual([{ role: 'member', subject: `user:${u}`, subjectType: 'user' }]);
      const rest = await roles.listAssignments(t, 'member', { limit: 10, cursor: page.nextCursor! });
      expect(rest).toEqual({ items: [{ role: 'member', subject: `group:${g}`, subjectType: 'group' }], nextCursor: null });
      await roles.removeAssignment(actor(t), 'member', `user:${u}`);
      await expect(roles.removeAssignment(actor(t), 'member', `user:${u}`)).rejects.toMatchObject({ status: 404 });
      expect(await access.getUserRoles(t, u)).toEqual([]);
    });

    it('writes an audit entry for every change, in the tenant', async () => {
      const t = await newTenant();
      const created = await policies.create(actor(t), { subject: 'role:guest', object: 'jobs', action: 'read', effect: 'allow' });
      await policies.delete(actor(t), created.id);
      await roles.create(t, { name: 'ops' });
      await roles.addAssignment(actor(t), 'ops', { subject: `user:${randomUUID()}` });
      const rows: Array<{ action: string; resource_id: string }> = await app.app.get(DataSource).query(
        'SELECT action, resource_id FROM audit_logs WHERE tenant_id = $1 ORDER BY id',
        [t],
      );
      expect(rows.map((r) => r.action)).toEqual(['policy.create', 'policy.delete', 'role.create', 'role.assign']);
      expect(rows[0].resource_id).toBe(String(created.id));
    });
  });
});
