import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../common/config/app-config';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import type { UserAccount } from '../users/user-account';
import { UsersService } from '../users/users.service';

/**
 * Locks accounts after repeated failed password logins: past LOCKOUT_THRESHOLD consecutive
 * failures the account is locked for LOCKOUT_BASE_SECONDS, doubling with each lock up to
 * LOCKOUT_MAX_SECONDS. The counters live on the user (UsersService); the policy lives here.
 * Only the holder of the right password learns that an account is locked (AuthService.login).
 */
@Injectable()
export class LockoutService {
  private readonly logger = new Logger(LockoutService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The lock end when the account is locked now, else null. */
  lockedUntil(user: UserAccount, now = new Date()): Date | null {
    return user.lockedUntil && user.lockedUntil > now ? user.lockedUntil : null;
  }

  /** Counts a failed password login, locking the account when this one crosses the threshold. */
  async recordFailure(user: UserAccount): Promise<void> {
    const lock = await this.transactions.run(async () => {
      const failures = await this.users.recordFailedLogin(user.id);
      await this.audit.record({
        action: 'auth.login.failed',
        resourceType: 'user',
        resourceId: user.id,
        tenantId: user.tenantId,
        actorId: user.id,
        newValue: { failedLoginAttempts: failures },
      });
      if (failures < this.config.env.LOCKOUT_THRESHOLD) return null;
      const locked = await this.users.lockAccount(user.id, (previousLocks) => this.lockSeconds(previousLocks));
      if (!locked) return null;
      await this.audit.record({
        action: 'auth.lock',
        resourceType: 'user',
        resourceId: user.id,
        tenantId: user.tenantId,
        actorId: user.id,
        newValue: { lockedUntil: locked.lockedUntil.toISOString(), lockSeconds: locked.seconds, lockoutCount: locked.lockoutCount },
      });
      return locked;
    });
    if (lock) this.logger.warn({ msg: 'account locked after failed logins', userId: user.id, until: lock.lockedUntil.toISOString() });
  }

  /** A login attempt on a locked account (audited; the answer depends on the password, see AuthService.login). */
  async recordAttemptWhileLocked(user: UserAccount): Promise<void> {
    await this.transactions.run(() =>
      this.audit.record({ action: 'auth.login.locked', resourceType: 'user', resourceId: user.id, tenantId: user.tenantId, actorId: user.id }),
    );
  }

  /** 423 `account-locked`, with Retry-After. */
  lockedError(until: Date): AppException {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new AppException(423, 'account-locked', {
      detail: `The account is locked after repeated failed logins; try again in ${seconds} s or ask an admin to unlock it.`,
      extensions: { lockedUntil: until.toISOString() },
      headers: { 'Retry-After': String(seconds) },
    });
  }

  private lockSeconds(previousLocks: number): number {
    const { LOCKOUT_BASE_SECONDS, LOCKOUT_MAX_SECONDS } = this.config.env;
    return Math.min(LOCKOUT_MAX_SECONDS, LOCKOUT_BASE_SECONDS * 2 ** Math.min(previousLocks, 30));
  }
}
