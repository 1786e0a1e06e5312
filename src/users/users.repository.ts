import { Injectable } from '@nestjs/common';
import { In, Repository } from 'typeorm';
import { Transactions } from '../common/database/transactions';
import { queryReturning } from '../common/database/sql';
import { pageByCreatedAt } from '../common/pagination/pagination';
import { UserDirectoryQueryDto, UserQueryDto } from './dto/user.dto';
import { UserSettingsEntity } from './entities/user-settings.entity';
import { UserEntity } from './entities/user.entity';

/** The user columns another module may change through UsersService (sign-in bookkeeping, verification). */
export type UserBookkeeping = Partial<Pick<UserEntity, 'failedLoginAttempts' | 'lockedUntil' | 'lastLoginAt' | 'emailVerified' | 'emailVerifiedAt'>>;

/** An ILIKE pattern for a substring, its wildcards escaped. */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `users` and `user_settings`, in the caller's transaction when one is open. */
@Injectable()
export class UsersRepository {
  constructor(private readonly transactions: Transactions) {}

  private get users(): Repository<UserEntity> {
    return this.transactions.repository(UserEntity);
  }

  private get settings(): Repository<UserSettingsEntity> {
    return this.transactions.repository(UserSettingsEntity);
  }

  /** Any tenant's user: for credentials, which carry the user id (tokens, keys, one-time links). */
  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findInTenant(tenantId: string, id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ tenantId, id });
  }

  /** The users of the tenant among `ids` (others are left out). */
  findManyInTenant(tenantId: string, ids: readonly string[]): Promise<UserEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users.findBy({ tenantId, id: In([...new Set(ids)]) });
  }

  /** By e-mail or username, case-insensitively, in any tenant (logins are unique across tenants). */
  findByLogin(login: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:login) OR lower(u.username) = lower(:login)', { login }).getOne();
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  async emailOrUsernameTaken(email: string, username: string): Promise<{ email: boolean; username: boolean }> {
    const rows: Array<{ email: boolean; username: boolean }> = await this.transactions.manager.query(
      `SELECT lower(email) = lower($1) AS email, lower(username) = lower($2) AS username FROM users WHERE lower(email) = lower($1) OR lower(username) = lower($2)`,
      [email, username],
    );
    return { email: rows.some((r) => r.email), username: rows.some((r) => r.username) };
  }

  /** How many of `ids` are users of the tenant who may act (not blocked, not disabled). */
  async countActive(tenantId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.users
      .createQueryBuilder('u')
      .where('u.tenant_id = :tenantId AND u.id IN (:...ids) AND NOT u.is_blocked AND u.is_active AND u.disabled_since IS NULL', { tenantId, ids: [...ids] })
      .getCount();
  }

  async platformAdminExists(): Promise<boolean> {
    return this.users.exists({ where: { role: 'admin' } });
  }

  /** The ids of the tenant's platform admins. */
  async findPlatformAdminIds(tenantId: string): Promise<string[]> {
    const rows = await this.users.find({ select: { id: true }, where: { tenantId, role: 'admin' } });
    return rows.map((u) => u.id);
  }

  findPage(tenantId: string, query: UserQueryDto): Promise<UserEntity[]> {
    const qb = this.users.createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId });
    if (query.q) qb.andWhere(`(u.email ILIKE :q OR u.username ILIKE :q OR u.display_name ILIKE :q)`, { q: containing(query.q) });
    switch (query.status) {
      case 'blocked':
        qb.andWhere('u.is_blocked');
        break;
      case 'disabled':
        qb.andWhere('u.disabled_since IS NOT NULL');
        break;
      case 'locked':
        qb.andWhere('u.locked_until > now()');
        break;
      case 'active':
        qb.andWhere('NOT u.is_blocked AND u.disabled_since IS NULL AND (u.locked_until IS NULL OR u.locked_until <= now())');
        break;
    }
    return pageByCreatedAt(qb, 'u', query).getMany();
  }

  /** A page of the directory: the tenant's users, `q` matching the display name only (members must not probe e-mail addresses). */
  findDirectoryPage(tenantId: string, query: UserDirectoryQueryDto): Promise<UserEntity[]> {
    const qb = this.users.createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId });
    if (query.q) qb.andWhere('u.display_name ILIKE :q', { q: containing(query.q) });
    return pageByCreatedAt(qb, 'u', query).getMany();
  }

  lockInTenant(tenantId: string, id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks a user of any tenant (sign-in bookkeeping and credentials, which carry the user id). */
  lockById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A new user and its (empty) settings. */
  async insert(values: Partial<UserEntity>): Promise<UserEntity> {
    const user = await this.users.save(this.users.create(values));
    await this.settings.insert({ userId: user.id, preferences: {} });
    return user;
  }

  save(user: UserEntity): Promise<UserEntity> {
    return this.users.save(user);
  }

  async update(id: string, values: UserBookkeeping): Promise<void> {
    await this.users.update({ id }, values);
  }

  /** Atomically counts a failed login; returns the new count. */
  async incrementFailedLogins(id: string): Promise<number> {
    const rows = await queryReturning<{ failed_login_attempts: number }>(
      this.transactions.manager,
      `UPDATE users SET failed_login_attempts = failed_login_attempts + 1 WHERE id = $1 RETURNING failed_login_attempts`,
      [id],
    );
    return rows[0]?.failed_login_attempts ?? 0;
  }

  /** Raises the token version (every access token issued before is refused); returns the new one. */
  async raiseTokenVersion(id: string): Promise<number> {
    const rows = await queryReturning<{ token_version: number }>(
      this.transactions.manager,
      `UPDATE users SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version`,
      [id],
    );
    return rows[0]?.token_version ?? 0;
  }

  /** last_seen_at, written at most once a minute. */
  async touchLastSeen(id: string): Promise<void> {
    await this.transactions.manager.query(
      `UPDATE users SET last_seen_at = now() WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')`,
      [id],
    );
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.users.delete({ tenantId, id });
  }

  findSettings(userId: string): Promise<UserSettingsEntity | null> {
    return this.settings.findOneBy({ userId });
  }

  saveSettings(settings: UserSettingsEntity): Promise<UserSettingsEntity> {
    return this.settings.save(settings);
  }
}
