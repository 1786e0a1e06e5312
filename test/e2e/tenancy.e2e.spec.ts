import { expectProblem, http } from '../helpers/http';
import { TestUser, adminUser, newTenant, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

/** Tenant B's admin must never see or touch tenant A's users, groups or audit entries. */
describe('tenant isolation: users, groups, audit log', () => {
  let app: TestApp;
  let adminA: TestUser;
  let adminB: TestUser;
  let memberA: TestUser;
  let groupA: string;

  beforeAll(async () => {
    app = await startTestApp();
    const a = await newTenant(app);
    const b = await newTenant(app);
    adminA = await newUser(app, { tenantId: a.id, tenantRole: 'admin' });
    adminB = await newUser(app, { tenantId: b.id, tenantRole: 'admin' });
    memberA = await newUser(app, { tenantId: a.id });
    const group = await http.post(app.api('/groups'), { name: 'Ops' }, { token: adminA.accessToken });
    expect(group.status).toBe(201);
    groupA = group.body.id;
    expect((await http.post(app.api(`/groups/${groupA}/members`), { userId: memberA.id }, { token: adminA.accessToken })).status).toBe(201);
  });
  afterAll(() => app.close());

  it('lists only the caller tenant users', async () => {
    const listA = await http.get(app.api('/users'), { token: adminA.accessToken });
    const listB = await http.get(app.api('/users'), { token: adminB.accessToken });
    const idsA = listA.body.items.map((u: { id: string }) => u.id);
    const idsB = listB.body.items.map((u: { id: string }) => u.id);
    expect(idsA.sort()).toEqual([adminA.id, memberA.id].sort());
    expect(idsB).toEqual([adminB.id]);
  });

  it('answers 404 for every user route aimed at another tenant', async () => {
    const t = { token: adminB.accessToken };
    const id = memberA.id;
    expectProblem(await http.get(app.api(`/users/${id}`), t), 404);
    expectProblem(await http.post(app.api(`/users/${id}/block`), {}, t), 404);
    expectProblem(await http.post(app.api(`/users/${id}/unblock`), {}, t), 404);
    expectProblem(await http.post(app.api(`/users/${id}/unlock`), {}, t), 404);
    expectProblem(await http.put(app.api(`/users/${id}/disabled`), { disabled: true }, t), 404);
    expectProblem(await http.put(app.api(`/users/${id}/role`), { role: 'admin' }, t), 404);
    expectProblem(await http.delete(app.api(`/users/${id}`), t), 404);
    // Nothing happened to the user.
    expect((await http.get(app.api('/me'), { token: memberA.accessToken })).body).toMatchObject({ status: 'active', tenantRoles: ['member'] });
  });

  it('answers 404 for every group route aimed at another tenant', async () => {
    const t = { token: adminB.accessToken };
    expect((await http.get(app.api('/groups'), t)).body.items).toEqual([]);
    expectProblem(await http.get(app.api(`/groups/${groupA}`), t), 404);
    expectProblem(await http.patch(app.api(`/groups/${groupA}`), { name: 'x' }, t), 404);
    expectProblem(await http.get(app.api(`/groups/${groupA}/members`), t), 404);
    expectProblem(await http.post(app.api(`/groups/${groupA}/members`), { userId: adminB.id }, t), 404);
    expectProblem(await http.delete(app.api(`/groups/${groupA}/members/${memberA.id}`), t), 404);
    expectProblem(await http.delete(app.api(`/groups/${groupA}`), t), 404);
    // And A's admin cannot put B's user into A's group.
    expectProblem(await http.post(app.api(`/groups/${groupA}/members`), { userId: adminB.id }, { token: adminA.accessToken }), 404);
    expect((await http.get(app.api(`/groups/${groupA}`), { token: adminA.accessToken })).body).toMatchObject({ name: 'Ops', memberCount: 1 });
  });

  it('never shows another tenant audit entries', async () => {
    const logA = await http.get(app.api('/audit-logs?limit=100'), { token: adminA.accessToken });
    const logB = await http.get(app.api('/audit-logs?limit=100'), { token: adminB.accessToken });
    expect(logA.body.items.length).toBeGreaterThan(0);
    expect(logA.body.items.every((e: { tenantId: string }) => e.tenantId === adminA.tenantId)).toBe(true);
    expect(logB.body.items.every((e: { tenantId: string }) => e.tenantId === adminB.tenantId)).toBe(true);
    const idsA = new Set(logA.body.items.map((e: { id: string }) => e.id));
    expect(logB.body.items.some((e: { id: string }) => idsA.has(e.id))).toBe(false);
    // Filtering by A's resources from B finds nothing.
    expect((await http.get(app.api(`/audit-logs?resourceId=${groupA}`), { token: adminB.accessToken })).body.items).toEqual([]);
  });

  it('keeps tenant-admin routes away from members and platform routes away from tenant admins', async () => {
    expectProblem(await http.post(app.api(`/users/${adminA.id}/block`), {}, { token: memberA.accessToken }), 403);
    expectProblem(await http.get(app.api('/audit-logs'), { token: memberA.accessToken }), 403);
    expectProblem(await http.post(app.api('/groups'), { name: 'x' }, { token: memberA.accessToken }), 403);
    expectProblem(await http.get(app.api('/users'), { token: memberA.accessToken }), 403);
    expect((await http.get(app.api('/users/directory'), { token: memberA.accessToken })).status).toBe(200);
    expectProblem(await http.get(app.api('/tenants'), { token: adminA.accessToken }), 403);
    expectProblem(await http.post(app.api('/tenants'), { name: 'x', slug: 'x-y' }, { token: adminA.accessToken }), 403);
    expect((await http.get(app.api('/tenants/current'), { token: adminA.accessToken })).body.id).toBe(adminA.tenantId);
  });

  it('takes the tenant only from the token, never from the request', async () => {
    // Only platform admins may name another tenant (docs/tenants.md); a tenant admin gets a 403.
    expectProblem(await http.get(app.api(`/users?tenantId=${adminA.tenantId}`), { token: adminB.accessToken }), 403, 'forbidden');
    const create = await http.post(app.api('/groups'), { name: 'Sneaky', tenantId: adminA.tenantId }, { token: adminB.accessToken });
    expect(expectProblem(create, 400).errors[0]).toMatchObject({ field: 'tenantId', code: 'whitelistValidation' });
  });
});

describe('tenants (platform admins)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('creates a tenant with default roles, renames, disables and lists it', async () => {
    const admin = await adminUser(app);
    const t = { token: admin.accessToken };
    const created = await http.post(app.api('/tenants'), { name: 'Acme', slug: 'acme' }, t);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme', slug: 'acme', isDefault: false, disabledAt: null, oidc: null });
    expectProblem(await http.post(app.api('/tenants'), { name: 'Again', slug: 'acme' }, t), 409, 'slug-taken');
    expectProblem(await http.post(app.api('/tenants'), { name: 'Bad', slug: 'Not A Slug' }, t), 400);

    const renamed = await http.patch(app.api(`/tenants/${created.body.id}`), { name: 'Acme Corp' }, t);
    expect(renamed.body.name).toBe('Acme Corp');
    const disabled = await http.patch(app.api(`/tenants/${created.body.id}`), { disabled: true }, t);
    expect(disabled.body.disabledAt).not.toBeNull();

    const list = await http.get(app.api('/tenants'), t);
    expect(list.body.items.map((x: { slug: string }) => x.slug)).toEqual(['default', 'acme']);
    const def = list.body.items[0];
    expectProblem(await http.patch(app.api(`/tenants/${def.id}`), { disabled: true }, t), 409, 'default-tenant');
    expectProblem(await http.get(app.api('/tenants/00000000-0000-4000-8000-000000000000'), t), 404);
    expectProblem(await http.get(app.api('/tenants/not-a-uuid'), t), 400);

    // A user of the new tenant gets the tenant's default member role.
    const other = await newTenant(app);
    const member = await newUser(app, { tenantId: other.id });
    expect((await http.get(app.api('/me'), { token: member.accessToken })).body.tenantRoles).toEqual(['member']);
  });

  it('stores an OIDC client secret encrypted and never returns it', async () => {
    const admin = await adminUser(app);
    const tenant = await newTenant(app);
    const res = await http.put(app.api(`/tenants/${tenant.id}/oidc`), { issuer: 'https://id.example.com/', clientId: 'collab', clientSecret: 's3cr3t-value' }, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.oidc).toEqual({ issuer: 'https://id.example.com', clientId: 'collab', hasClientSecret: true });
    expect(res.text).not.toContain('s3cr3t-value');
    const audit = await http.get(app.api(`/audit-logs?resourceId=${tenant.id}`), { token: admin.accessToken });
    expect(audit.text).not.toContain('s3cr3t-value');
  });
});
