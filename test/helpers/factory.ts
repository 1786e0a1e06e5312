import { randomBytes } from 'node:crypto';
import type { RoomDto } from '../../src/rooms/core/room.dto';
import type { AssignableRoomRole } from '../../src/rooms/core/rooms.constants';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { http } from './http';
import { TestApp } from './test-app';

export const TEST_PASSWORD = 'Correct-horse-battery-9';
/** testConfig() sets ADMIN_PASSWORD to this; the bootstrap creates user "admin" with it. */
export const ADMIN_PASSWORD = 'Admin-password-for-tests-1';

export interface TestUser {
  id: string;
  tenantId: string;
  email: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

const unique = () => randomBytes(5).toString('hex');

export async function login(app: TestApp, loginName: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await http.post(app.api('/auth/login'), { login: loginName, password });
  if (res.status !== 200) throw new Error(`login of ${loginName} failed: ${res.status} ${res.text}`);
  return res.body;
}

/** The platform admin made at first start (also admin of the default tenant). */
export async function adminUser(app: TestApp): Promise<TestUser> {
  const tokens = await login(app, 'admin', ADMIN_PASSWORD);
  const me = await http.get(app.api('/me'), { token: tokens.accessToken });
  return { id: me.body.id, tenantId: me.body.tenantId, email: me.body.email, username: 'admin', password: ADMIN_PASSWORD, ...tokens };
}

/** A new tenant (with its default roles and policies). */
export async function newTenant(app: TestApp, name = `Tenant ${unique()}`): Promise<{ id: string; slug: string }> {
  const slug = `t-${unique()}`;
  const tenant = await app.app.get(TenantsService).create({ name, slug });
  return { id: tenant.id, slug };
}

/** A new user, signed in. Default: a `member` of the default tenant. */
export async function newUser(
  app: TestApp,
  options: { tenantId?: string; tenantRole?: string; password?: string; role?: 'guest' | 'user' | 'admin' } = {},
): Promise<TestUser> {
  const tenants = app.app.get(TenantsService);
  const tenantId = options.tenantId ?? (await tenants.getDefaultId());
  const name = `u${unique()}`;
  const password = options.password ?? TEST_PASSWORD;
  const user = await app.app.get(UsersService).create({
    tenantId,
    email: `${name}@example.com`,
    username: name,
    password,
    tenantRole: options.tenantRole ?? 'member',
    role: options.role,
    emailVerified: true,
  });
  const tokens = await login(app, name, password);
  return { id: user.id, tenantId, email: user.email, username: name, password, ...tokens };
}

/** A room as its owner sees it right after creating it (members see the join code). */
export type TestRoom = RoomDto & { joinCode: string };

/** Members to add to a new room, in this order: `[[moderator, 'MODERATOR'], [member, 'MEMBER']]`. */
export type TestRoomMembers = ReadonlyArray<readonly [TestUser, AssignableRoomRole]>;

export interface NewRoomOptions {
  /** Fields of POST /rooms over `{ name: 'Room', type: 'CHAT' }`: name, type, password, waitingRoom, viz... */
  body?: Record<string, unknown>;
  /** Added by the owner after the room is made, one after the other. */
  members?: TestRoomMembers;
}

/** Adds `user` to the room with `role`, as `by` (POST /rooms/{id}/members, 201). */
export async function addRoomMember(app: TestApp, roomId: string, user: TestUser, role: AssignableRoomRole, by: TestUser): Promise<void> {
  const res = await http.post(app.api(`/rooms/${roomId}/members`), { userId: user.id, role }, { token: by.accessToken });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
}

/** A new room made by `owner` over HTTP (POST /rooms, 201), with `members` added by the owner. */
export async function newRoom(app: TestApp, owner: TestUser, options: NewRoomOptions = {}): Promise<TestRoom> {
  const res = await http.post<TestRoom>(app.api('/rooms'), { name: 'Room', type: 'CHAT', ...options.body }, { token: owner.accessToken });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  for (const [user, role] of options.members ?? []) await addRoomMember(app, res.body.id, user, role, owner);
  return res.body;
}
