import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { PlatformRole, Principal } from '../common/auth/principal';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DomainEvents } from '../common/events/domain-events';
import { Page, createdAtCursor, toPage } from '../common/pagination/pagination';
import { BlockUserDto, CreateUserDto, UserDto, UserQueryDto } from './dto/user.dto';
import { UserEntity } from './entities/user.entity';
import { adminStateOf, toUserDto } from './users.mapper';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** What a tenant admin does to the users of its own tenant (`/users`). Nobody acts on itself here. */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly directory: UsersService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  async list(tenantId: string, query: UserQueryDto): Promise<Page<UserDto>> {
    const rows = await this.users.findPage(tenantId, query);
    const page = toPage(rows, query.limit, (u) => u, createdAtCursor);
    return { items: await this.toDtos(tenantId, page.items), nextCursor: page.nextCursor };
  }

  get(tenantId: string, id: string): Promise<UserDto> {
    return this.directory.get(tenantId, id);
  }

  async create(principal: Principal, dto: CreateUserDto): Promise<UserDto> {
    const user = await this.directory.create({
      email: dto.email,
      username: dto.username,
      password: dto.password,
      displayName: dto.displayName,
      tenantId: principal.tenantId,
      tenantRole: dto.role ?? 'member',
    });
    return this.get(principal.tenantId, user.id);
  }

  async block(principal: Principal, id: string, dto: BlockUserDto): Promise<UserDto> {
    return this.change(principal, id, 'user.block', (u) => {
      u.isBlocked = true;
      u.blockedReason = dto.reason ?? null;
      this.events.emit('user.blocked', { tenantId: u.tenantId, userId: u.id });
    });
  }

  unblock(principal: Principal, id: string): Promise<UserDto> {
    return this.change(principal, id, 'user.unblock', (u) => {
      u.isBlocked = false;
      u.blockedReason = null;
    });
  }

  async setDisabled(principal: Principal, id: string, disabled: boolean): Promise<UserDto> {
    return this.change(principal, id, disabled ? 'user.disable' : 'user.enable', (u) => {
      u.disabledSince = disabled ? (u.disabledSince ?? new Date()) : null;
      u.isActive = !disabled;
      if (disabled) this.events.emit('user.disabled', { tenantId: u.tenantId, userId: u.id });
    });
  }

  unlock(principal: Principal, id: string): Promise<UserDto> {
    return this.change(principal, id, 'auth.unlock', (u) => {
      u.lockedUntil = null;
      u.failedLoginAttempts = 0;
      u.lockoutCount = 0;
    });
  }

  setPlatformRole(principal: Principal, id: string, role: PlatformRole): Promise<UserDto> {
    return this.change(principal, id, 'user.platform-role.change', (u) => {
      u.role = role;
    });
  }

  async setTenantRole(principal: Principal, id: string, role: string): Promise<UserDto> {
    if (id === principal.userId) throw AppException.conflict('You cannot change your own tenant role.', 'self-change');
    return this.transactions.run(async () => {
      const user = await this.lock(principal.tenantId, id);
      const before = await this.access.getUserRoles(principal.tenantId, id);
      await this.access.setUserRole(principal.tenantId, user.id, role);
      await this.audit.record({ action: 'user.role.change', resourceType: 'user', resourceId: id, oldValue: { tenantRoles: before }, newValue: { tenantRole: role } });
      return toUserDto(user, await this.access.getUserRoles(principal.tenantId, id));
    });
  }

  async remove(principal: Principal, id: string): Promise<void> {
    if (id === principal.userId) throw AppException.conflict('You cannot delete yourself.', 'self-change');
    await this.transactions.run(async () => {
      const user = await this.lock(principal.tenantId, id);
      await this.access.removeUser(principal.tenantId, id);
      await this.users.delete(principal.tenantId, id);
      await this.audit.record({ action: 'user.delete', resourceType: 'user', resourceId: id, oldValue: { email: user.email, username: user.username } });
      this.events.emit('user.deleted', { tenantId: principal.tenantId, userId: id });
    });
  }

  /** Changes a user of the caller's tenant, with an audit entry, in one transaction; refuses self-lockout. */
  private async change(principal: Principal, id: string, action: string, change: (user: UserEntity) => void): Promise<UserDto> {
    if (id === principal.userId && action !== 'auth.unlock') throw AppException.conflict('You cannot do this to yourself.', 'self-change');
    return this.transactions.run(async () => {
      const user = await this.lock(principal.tenantId, id);
      const before = adminStateOf(user);
      change(user);
      const saved = await this.users.save(user);
      await this.audit.record({ action, resourceType: 'user', resourceId: id, oldValue: before, newValue: adminStateOf(saved) });
      return toUserDto(saved, await this.access.getUserRoles(saved.tenantId, saved.id));
    });
  }

  private async lock(tenantId: string, id: string): Promise<UserEntity> {
    const user = await this.users.lockInTenant(tenantId, id);
    if (!user) throw AppException.notFound('User');
    return user;
  }

  /** A page of users as DTOs, with their tenant roles from one look at the tenant's policy. */
  private async toDtos(tenantId: string, users: UserEntity[]): Promise<UserDto[]> {
    const roles = await this.access.getRolesOfUsers(tenantId, users.map((u) => u.id));
    return users.map((u) => toUserDto(u, roles.get(u.id) ?? []));
  }
}
