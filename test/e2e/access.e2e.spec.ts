import { TestUser, newTenant, newUser } from '../helpers/factory';
import { expectProblem, http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';

/** The policy and role admin API over real HTTP, through the global guard. */
describe('access API (end to end over HTTP)', () => {
  let app: TestApp;
  let adminA: TestUser;
  let memberA: TestUser;
  let adminB: TestUser;

  const as = (user: TestUser) => ({ token: user.accessToken });

  beforeAll(async () => {
    app = await startTestApp();
    const a = await newTenant(app);
    const b = await newTenant(app);
    adminA = await newUser(app, { tenantId: a.id, tenantRole: 'admin' });
    memberA = await newUser(app, { tenantId: a.id, tenantRole: 'member' });
    adminB = await newUser(app, { tenantId: b.id, tenantRole: 'admin' });
  });
  afterAll(() => app?.close());

  it('lets a tenant admin list policies and refuses a member', async () => {
    const res = await http.get(app.api('/policies?limit=100'), as(adminA));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(expect.arrayContaining([{ id: expect.any(Number), subject: 'role:admin', object: '*', action: '*', effect: 'allow' }]));
    expect(res.body.nextCursor).toBeNull();
    expectProblem(await http.get(app.api('/policies'), as(memberA)), 403);
    expectProblem(await http.post(app.api('/roles'), { name: 'sneaky' }, as(memberA)), 403);
  });

  it('creates a policy, refuses its duplicate, and enforces allow then deny at once', async () => {
    expectProblem(await http.get(app.api('/roles'), as(memberA)), 403);
    const allow = await http.post(app.api('/policies'), { subject: `user:${memberA.id}`, object: 'roles', action: 'read', effect: 'allow' }, as(adminA));
    expect(allow.status).toBe(201);
    expect(allow.body).toEqual({ id: expect.any(Number), subject: `user:${memberA.id}`, object: 'roles', action: 'read', effect: 'allow' });
    expectProblem(await http.post(app.api('/policies'), { subject: `user:${memberA.id}`, object: 'roles', action: 'read', effect: 'allow' }, as(adminA)), 409);
    expect((await http.get(app.api('/roles'), as(memberA))).status).toBe(200);

    const deny = await http.post(app.api('/policies'), { subject: 'role:member', object: 'roles', action: '*', effect: 'deny' }, as(adminA));
    expect(deny.status).toBe(201);
    expectProblem(await http.get(app.api('/roles'), as(memberA)), 403);

    expect((await http.delete(app.api(`/policies/${deny.body.id}`), as(adminA))).status).toBe(204);
    expect((await http.get(app.api('/roles'), as(memberA))).status).toBe(200);
    expectProblem(await http.delete(app.api(`/policies/${deny.body.id}`), as(adminA)), 404);
  });

  it('names the deciding rule in a check: allow, deny, and no rule', async () => {
    const allowed = await http.post(app.api('/policies/check'), { subject: `user:${memberA.id}`, object: 'rooms', action: 'create' }, as(adminA));
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ allowed: true, decidedBy: { subject: 'role:member', object: 'rooms', action: '*', effect: 'allow' } });
    expect(allowed.body.reason).toContain('role:member');

    const deny = await http.post(app.api('/policies'), { subject: `user:${memberA.id}`, object: 'rooms', action: 'delete', effect: 'deny' }, as(adminA));
    const denied = await http.post(app.api('/policies/check'), { subject: `user:${memberA.id}`, object: 'rooms', action: 'delete' }, as(adminA));
    expect(denied.body).toEqual({ allowed: false, decidedBy: deny.body, reason: expect.stringContaining('denied by') });

    const none = await http.post(app.api('/policies/check'), { subject: `user:${memberA.id}`, object: 'jobs', action: 'delete' }, as(adminA));
    expect(none.body).toMatchObject({ allowed: false, decidedBy: null });
  });

  describe('tenant isolation', () => {
    it("never shows or deletes another tenant's policy", async () => {
      const ofA = await http.post(app.api('/policies'), { subject: 'role:guest', object: 'jobs', action: 'read', effect: 'allow' }, as(adminA));
      const listB = await http.get(app.api('/policies?limit=100'), as(adminB));
      expect(listB.status).toBe(200);
      expect(listB.body.items.map((p: { id: number }) => p.id)).not.toContain(ofA.body.id);
      const missing = expectProblem(await http.delete(app.api(`/policies/${ofA.body.id}`), as(adminB)), 404);
      const reallyMissing = expectProblem(await http.delete(app.api('/policies/2000000000'), as(adminB)), 404);
      expect(missing.detail).toBe(reallyMissing.detail);
      const listA = await http.get(app.api('/policies?object=jobs&limit=100'), as(adminA));
      expect(listA.body.items).toContainEqual(ofA.body);
    });

    it("gives a role of tenant B to a user of A without effect in A", async () => {
      const res = await http.post(app.api('/roles/admin/assignments'), { subject: `user:${memberA.id}` }, as(adminB));
      expect(res.status).toBe(201);
      expectProblem(await http.get(app.api('/policies'), as(memberA)), 403);
      const check = await http.post(app.api('/policies/check'), { subject: `user:${memberA.id}`, object: 'policies', action: 'manage' }, as(adminA));
      expect(check.body.allowed).toBe(false);
    });
  });

  describe('roles', () => {
    it('lists, creates and deletes roles; built-in ones stay', async () => {
      const created = await http.post(app.api('/roles'), { name: 'auditor' }, as(adminA));
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ name: 'auditor', builtIn: false, policies: 0, members: 0 });
      expectProblem(await http.post(app.api('/roles'), { name: 'auditor' }, as(adminA)), 409);
      const list = await http.get(app.api('/roles'), as(adminA));
      expect(list.body.map((r: { name: string }) => r.name)).toEqual(['admin', 'auditor', 'guest', 'member']);
      expect(list.body.find((r: { name: string }) => r.name === 'admin')).toMatchObject({ builtIn: true, policies: 1, members: 1 });
      expectProblem(await http.delete(app.api('/roles/admin'), as(adminA)), 409);
      expectProblem(await http.delete(app.api('/roles/nobody'), as(adminA)), 404);
      expect((await http.delete(app.api('/roles/auditor'), as(adminA))).status).toBe(204);
      expect((await http.get(app.api('/roles'), as(adminB))).body.map((r: { name: string }) => r.name)).toEqual(['admin', 'guest', 'member']);
    });

    it('assigns a role, lists and removes the assignment', async () => {
      const subject = `user:${memberA.id}`;
      const added = await http.post(app.api('/roles/guest/assignments'), { subject }, as(adminA));
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ role: 'guest', subject, subjectType: 'user' });
      expectProblem(await http.post(app.api('/roles/guest/assignments'), { subject }, as(adminA)), 409);
      const list = await http.get(app.api('/roles/guest/assignments'), as(adminA));
      expect(list.body).toEqual({ items: [added.body], nextCursor: null });
      expect((await http.delete(app.api(`/roles/guest/assignments/${subject}`), as(adminA))).status).toBe(204);
      expectProblem(await http.delete(app.api(`/roles/guest/assignments/${subject}`), as(adminA)), 404);
      expectProblem(await http.get(app.api('/roles/nobody/assignments'), as(adminA)), 404);
    });

    it('records each change in the audit log', async () => {
      const res = await http.get(app.api('/audit-logs?resourceType=policy&limit=100'), as(adminA));
      expect(res.status).toBe(200);
      const actions = res.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['policy.create', 'policy.delete']));
      expect(res.body.items[0]).toMatchObject({ actorId: adminA.id, tenantId: adminA.tenantId });
    });
  });

  describe('bad input', () => {
    const fieldsOf = (problem: { errors: Array<{ field: string }> }) => problem.errors.map((e) => e.field);
    const rule = () => ({ subject: 'role:member', object: 'rooms', action: 'read', effect: 'allow' });

    it.each([
      ['effect', { effect: 'maybe' }],
      ['object', { object: '' }],
      ['object', { object: 'spaceships' }],
      ['action', { action: 'fly' }],
      ['subject', { subject: 'alice' }],
      ['subject', { subject: 'user:not-a-uuid' }],
      ['tenantId', { tenantId: '00000000-0000-4000-8000-000000000000' }],
    ])('refuses a policy with a bad %s', async (field, patch) => {
      const problem = expectProblem(await http.post(app.api('/policies'), { ...rule(), ...patch }, as(adminA)), 400, 'validation-failed');
      expect(fieldsOf(problem)).toEqual([field]);
    });

    it('refuses bad query, path and check input, naming the field', async () => {
      expect(fieldsOf(expectProblem(await http.get(app.api('/policies?tenantId=x'), as(adminA)), 400))).toEqual(['tenantId']);
      expect(fieldsOf(expectProblem(await http.get(app.api('/policies?effect=maybe'), as(adminA)), 400))).toEqual(['effect']);
      expect(fieldsOf(expectProblem(await http.get(app.api('/policies?cursor=zzz'), as(adminA)), 400))).toEqual(['cursor']);
      expect(fieldsOf(expectProblem(await http.delete(app.api('/policies/abc'), as(adminA)), 400))).toEqual(['id']);
      expect(fieldsOf(expectProblem(await http.delete(app.api('/policies/99999999999'), as(adminA)), 400))).toEqual(['id']);
      expect(fieldsOf(expectProblem(await http.post(app.api('/policies/check'), { subject: 'role:member', object: '*', action: 'read' }, as(adminA)), 400))).toEqual(['object']);
      expect(fieldsOf(expectProblem(await http.post(app.api('/roles'), { name: 'Bad Name' }, as(adminA)), 400))).toEqual(['name']);
      expect(fieldsOf(expectProblem(await http.post(app.api('/roles/member/assignments'), { subject: 'role:admin' }, as(adminA)), 400))).toEqual(['subject']);
      expect(fieldsOf(expectProblem(await http.delete(app.api('/roles/member/assignments/bob'), as(adminA)), 400))).toEqual(['subject']);
      expect(fieldsOf(expectProblem(await http.post(app.api('/policies'), { ...rule(), subject: 'role:ghost' }, as(adminA)), 400))).toEqual(['subject']);
    });
  });
});
