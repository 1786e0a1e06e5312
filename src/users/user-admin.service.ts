import { Injectable } from '@nestjs/common';
import { AccessService, lastAdmin } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { assertMayActOn } from '../common/auth/platform-admins';
import type { PlatformRole, Principal } from '../common/auth/principal';
import { UserSessions } from '../common/auth/user-sessions';
import { scopedTenant } from '../common/auth/tenant-scope';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DomainEvents } from '../common/events/domain-events';
import { Page, createdAtCursor, toPage } from '../common/pagination/pagination';
import { TenantsService } from '../tenants/tenants.service';
import { BlockUserDto, CreateUserDto, UserDto, UserQueryDto } from './dto/user.dto';
import { UserEntity } from './entities/user.entity';
import { adminStateOf, toUserDto } from './users.mapper';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * What tenant admins do to the users of their own tenant (`/users`), and platform admins to the
 * users of any tenant (`?tenantId=`). Nobody acts on itself here, no change leaves a tenant
 * that has an admin without an active one (409 `last-admin`), and only platform admins act on a
 * platform admin (403 `platform-admin-protected`).
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly directory: UsersService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly tenants: TenantsService,
    private readonly sessions: UserSessions,
  ) {}

  async list(principal: Principal, query: UserQueryDto): Promise<Page<UserDto>> {
    const tenantId = await this.tenantOf(principal, query.tenantId);
    const rows = await this.users.findPage(tenantId, query);
    const page = toPage(rows, query.limit, (u) => u, createdAtCursor);
    return { items: await this.toDtos(tenantId, page.items), nextCursor: page.nextCursor };
  }

  async get(principal: Principal, id: string, requestedTenant?: string): Promise<UserDto> {
    return this.directory.get(await this.tenantOf(principal, requestedTenant), id);
  }

  async create(principal: Principal, dto: CreateUserDto, requestedTenant?: string): Promise<UserDto> {
    const tenantId = await this.tenantOf(principal, requestedTenant);
    const user = await this.directory.create({
      email: dto.email,
      username: dto.username,
      password: dto.password,
      displayName: dto.displayName,
      tenantId,
      tenantRole: dto.role ?? 'member',
    });
    return this.directory.get(tenantId, user.id);
  }

  async block(principal: Principal, id: string, dto: BlockUserDto, requestedTenant?: string): Promise<UserDto> {
    return this.change(principal, id, requestedTenant, 'user.block', async (u) => {
      await this.assertAnotherActiveAdmin(u);
      u.isBlocked = true;
      u.blockedReason = dto.reason ?? null;
      await this.endSessions(u, 'blocked');
      this.events.emit('user.blocked', { tenantId: u.tenantId, userId: u.id });
    });
  }

  unblock(principal: Principal, id: string, requestedTenant?: string): Promise<UserDto> {
    return this.change(principal, id, requestedTenant, 'user.unblock', (u) => {
      u.isBlocked = false;
      u.blockedReason = null;
    });
  }

  async setDisabled(principal: Principal, id: string, disabled: boolean, requestedTenant?: string): Promise<UserDto> {
    return this.change(principal, id, requestedTenant, disabled ? 'user.disable' : 'user.enable', async (u) => {
      if (disabled) await this.assertAnotherActiveAdmin(u);
      u.disabledSince = disabled ? (u.disabledSince ?? new Date()) : null;
      u.isActive = !disabled;
      if (disabled) await this.endSessions(u, 'disabled');
      if (disabled) this.events.emit('user.disabled', { tenantId: u.tenantId, userId: u.id });
    });
  }

  unlock(principal: Principal, id: string, requestedTenant?: string): Promise<UserDto> {
    return this.change(principal, id, requestedTenant, 'auth.unlock', (u) => {
      u.lockedUntil = null;
      u.failedLoginAttempts = 0;
      u.lockoutCount = 0;
    });
  }

  setPlatformRole(principal: Principal, id: string, role: PlatformRole, requestedTenant?: string): Promise<UserDto> {
    return this.change(principal, id, requestedTenant, 'user.platform-role.change', (u) => {
      u.role = role;
    });
  }

  /** Replaces the user's direct tenant role (admin, member, guest or a custom one). */
  async setTenantRole(principal: Principal, id: string, role: string, requestedTenant?: string): Promise<UserDto> {
    if (id === principal.userId) throw AppException.conflict('You cannot change your own tenant role.', 'self-change');
    const tenantId = await this.tenantOf(principal, requestedTenant);
    return this.transactions.run(async () => {
      const user = await this.lockForChange(principal, tenantId, id);
      const before = await this.access.getUserRoles(tenantId, id);
      if (role !== 'admin') await this.assertAnotherActiveAdmin(user);
      await this.access.setUserRole(tenantId, user.id, role);
      await this.audit.record({
        action: 'user.role.change', resourceType: 'user', resourceId: id, tenantId, oldValue: { tenantRoles: before }, newValue: { tenantRole: role },
      });
      return toUserDto(user, await this.access.getUserRoles(tenantId, id));
    });
  }

  async remove(principal: Principal, id: string, requestedTenant?: string): Promise<void> {
    if (id === principal.userId) throw AppException.conflict('You cannot delete yourself.', 'self-change');
    const tenantId = await this.tenantOf(principal, requestedTenant);
    await this.transactions.run(async () => {
      const user = await this.lockForChange(principal, tenantId, id);
      await this.assertAnotherActiveAdmin(user);
      await this.access.removeUser(tenantId, id);
      await this.users.delete(tenantId, id);
      await this.audit.record({ action: 'user.delete', resourceType: 'user', resourceId: id, tenantId, oldValue: { email: user.email, username: user.username } });
      this.events.emit('user.deleted', { tenantId, userId: id });
    });
  }

  /** Changes a user of the tenant, with an audit entry, in one transaction; refuses self-lockout. */
  private async change(
    principal: Principal, id: string, requestedTenant: string | undefined, action: string, change: (user: UserEntity) => void | Promise<void>,
  ): Promise<UserDto> {
    if (id === principal.userId && action !== 'auth.unlock') throw AppException.conflict('You cannot do this to yourself.', 'self-change');
    const tenantId = await this.tenantOf(principal, requestedTenant);
    return this.transactions.run(async () => {
      const user = await this.lockForChange(principal, tenantId, id);
      const before = adminStateOf(user);
      await change(user);
      const saved = await this.users.save(user);
      await this.audit.record({ action, resourceType: 'user', resourceId: id, tenantId, oldValue: before, newValue: adminStateOf(saved) });
      return toUserDto(saved, await this.access.getUserRoles(saved.tenantId, saved.id));
    });
  }

  /**
   * Ends every session of a user being blocked or disabled, in the change's transaction: its
   * refresh tokens are revoked and (token version) its access tokens, so that unblocking or
   * re-enabling it brings none of them back. Its API keys are refused while it is blocked or
   * disabled and work again afterwards (docs/authentication.md).
   */
  private async endSessions(user: UserEntity, reason: 'blocked' | 'disabled'): Promise<void> {
    user.tokenVersion += 1;
    await this.sessions.revokeAll(user.tenantId, user.id, reason);
  }

  /** The tenant the request acts in (the caller's, or one a platform admin names, which must exist). */
  private async tenantOf(principal: Principal, requested: string | undefined): Promise<string> {
    const tenantId = scopedTenant(principal, requested);
    if (tenantId !== principal.tenantId) await this.tenants.assertExists(tenantId);
    return tenantId;
  }

  /**
   * Before `user` stops acting as an admin (blocked, disabled, demoted, deleted): another admin of
   * its tenant who may act must remain, else 409 `last-admin`. A user who is no admin passes.
   */
  private async assertAnotherActiveAdmin(user: UserEntity): Promise<void> {
    const admins = await this.access.adminsOf(user.tenantId);
    if (!admins.includes(user.id)) return;
    const others = admins.filter((id) => id !== user.id);
    if ((await this.users.countActive(user.tenantId, others)) === 0) throw lastAdmin();
  }

  /** Locks the user a change is about: 404 when the tenant has none, 403 when it is a platform admin and the caller is not. */
  private async lockForChange(principal: Principal, tenantId: string, id: string): Promise<UserEntity> {
    const user = await this.users.lockInTenant(tenantId, id);
    if (!user) throw AppException.notFound('User');
    assertMayActOn(principal, user);
    return user;
  }

  /** A page of users as DTOs, with their tenant roles from one look at the tenant's policy. */
  private async toDtos(tenantId: string, users: UserEntity[]): Promise<UserDto[]> {
    const roles = await this.access.getRolesOfUsers(tenantId, users.map((u) => u.id));
    return users.map((u) => toUserDto(u, roles.get(u.id) ?? []));
  }
}
