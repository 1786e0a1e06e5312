import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { PutUserSettingsDto, UpdateProfileDto, UserDto, UserSettingsDto } from './dto/user.dto';
import { AuthenticatedUsers } from './user-principal';
import { profileOf, toUserDto, toUserSettingsDto } from './users.mapper';
import { UsersRepository } from './users.repository';

const PREFERENCES_MAX_BYTES = 16 * 1024;

/** The caller's own profile and settings (`/me`). */
@Injectable()
export class ProfileService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly authenticated: AuthenticatedUsers,
  ) {}

  /** The caller: from the row its request was authenticated with when there is one (no second read). */
  async getProfile(principal: Principal): Promise<UserDto> {
    const user = this.authenticated.of(principal) ?? (await this.users.findInTenant(principal.tenantId, principal.userId));
    if (!user) throw AppException.notFound('User');
    return toUserDto(user, await this.access.getUserRoles(user.tenantId, user.id));
  }

  async updateProfile(principal: Principal, dto: UpdateProfileDto): Promise<UserDto> {
    return this.transactions.run(async () => {
      const user = await this.users.lockInTenant(principal.tenantId, principal.userId);
      if (!user) throw AppException.notFound('User');
      const before = profileOf(user);
      Object.assign(user, sentFields(dto));
      const saved = await this.users.save(user);
      await this.audit.record({ action: 'user.profile.update', resourceType: 'user', resourceId: user.id, oldValue: before, newValue: profileOf(saved) });
      return toUserDto(saved, await this.access.getUserRoles(saved.tenantId, saved.id));
    });
  }

  async getSettings(principal: Principal): Promise<UserSettingsDto> {
    const settings = await this.users.findSettings(principal.userId);
    if (!settings) throw AppException.notFound('Settings');
    return toUserSettingsDto(settings);
  }

  async putSettings(principal: Principal, dto: PutUserSettingsDto): Promise<UserSettingsDto> {
    if (Buffer.byteLength(JSON.stringify(dto.preferences)) > PREFERENCES_MAX_BYTES) {
      throw AppException.invalidField('preferences', `preferences must be at most ${PREFERENCES_MAX_BYTES} bytes of JSON`, 'maxSize');
    }
    return this.transactions.run(async () => {
      const settings = await this.users.findSettings(principal.userId);
      if (!settings) throw AppException.notFound('Settings');
      const before = { defaultModelId: settings.defaultModelId, preferences: settings.preferences };
      settings.defaultModelId = dto.defaultModelId ?? null;
      settings.preferences = dto.preferences;
      const saved = await this.users.saveSettings(settings);
      await this.audit.record({
        action: 'user.settings.update',
        resourceType: 'user-settings',
        resourceId: principal.userId,
        oldValue: before,
        newValue: { defaultModelId: saved.defaultModelId, preferences: saved.preferences },
      });
      return toUserSettingsDto(saved);
    });
  }
}

/**
 * The fields the caller sent. A transformed DTO instance carries every declared property, the
 * absent ones as `undefined` (class fields are defined on construction): copying those onto the
 * entity would blank them in the answer, as TypeORM's save leaves `undefined` columns unread.
 */
function sentFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as Partial<T>;
}
