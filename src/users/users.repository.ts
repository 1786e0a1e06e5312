import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { queryReturning } from '../common/database/sql';
import { pageByCreatedAt } from '../common/pagination/pagination';
import { UserQueryDto } from './dto/user.dto';
import { UserSettingsEntity } from './entities/user-settings.entity';
import { UserEntity } from './entities/user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findInTenant(tenantId: string, id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ tenantId, id });
  }

  /** By e-mail or username, case-insensitively. */
  findByLogin(login: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:login) OR lower(u.username) = lower(:login)', { login }).getOne();
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  async emailOrUsernameTaken(manager: EntityManager, email: string, username: string): Promise<{ email: boolean; username: boolean }> {
    const rows: Array<{ email: boolean; username: boolean }> = await manager.query(
      `SELECT lower(email) = lower($1) AS email, lower(username) = lower($2) AS username FROM users WHERE lower(email) = lower($1) OR lower(username) = lower($2)`,
      [email, username],
    );
    return { email: rows.some((r) => r.email), username: rows.some((r) => r.username) };
  }

  findPage(tenantId: string, query: UserQueryDto): Promise<UserEntity[]> {
    const qb = this.users.createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId });
    if (query.q) {
      qb.andWhere(`(u.email ILIKE :q OR u.username ILIKE :q OR u.display_name ILIKE :q)`, { q: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    }
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

  lockInTenant(manager: EntityManager, tenantId: string, id: string): Promise<UserEntity | null> {
    return manager.findOne(UserEntity, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  lockById(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, values: Partial<UserEntity>): Promise<UserEntity> {
    const user = await manager.save(manager.create(UserEntity, values));
    await manager.insert(UserSettingsEntity, { userId: user.id, preferences: {} });
    return user;
  }

  save(manager: EntityManager, user: UserEntity): Promise<UserEntity> {
    return manager.save(user);
  }

  /** Atomically counts a failed login; returns the new count. */
  async incrementFailedLogins(manager: EntityManager, id: string): Promise<number> {
    const rows = await queryReturning<{ failed_login_attempts: number }>(
      manager,
      `UPDATE users SET failed_login_attempts = failed_login_attempts + 1 WHERE id = $1 RETURNING failed_login_attempts`,
      [id],
    );
    return rows[0]?.failed_login_attempts ?? 0;
  }

  async touchLastSeen(id: string): Promise<void> {
    await this.users.query(`UPDATE users SET last_seen_at = now() WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')`, [id]);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(UserEntity, { id });
  }

  findSettings(userId: string, manager: EntityManager = this.users.manager): Promise<UserSettingsEntity | null> {
    return manager.findOneBy(UserSettingsEntity, { userId });
  }

  saveSettings(manager: EntityManager, settings: UserSettingsEntity): Promise<UserSettingsEntity> {
    return manager.save(settings);
  }
}
