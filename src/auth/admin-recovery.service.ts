import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../common/config/app-config';
import { UserSessions } from '../common/auth/user-sessions';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { UsersService } from '../users/users.service';
import { OneTimeTokensService } from './one-time-tokens.service';

export interface AdminRecoveryRequest {
  /** E-mail of the platform admin to restore (any tenant). */
  email: string;
  /** A new password (checked against the password policy). */
  password?: string;
  /** Issue a one-time password reset token (valid PASSWORD_RESET_TTL_MINUTES). */
  resetToken?: boolean;
}

export interface AdminRecoveryReport {
  userId: string;
  tenantId: string;
  username: string;
  /** Deny rules that named the user, now removed (as `subject effect action object`). */
  removedDenies: string[];
  /** Rights (`object:action`) the user still lacks in its tenant: denies on its groups or roles, for the operator to review. */
  stillDenied: string[];
  revokedSessions: number;
  /** The one-time reset token, when asked for. */
  resetToken?: string;
  /** Where the reset token is sent with the new password. */
  resetUrl?: string;
}

/**
 * The operator's way back in when a platform admin is locked out (`npm run admin:recover`, see
 * docs/operations): one transaction unblocks and enables the account, clears its lockout, makes
 * it platform admin and admin of its tenant again, removes the deny rules naming it, ends its
 * sessions, optionally sets a password or issues a reset token, and writes an audit entry.
 */
@Injectable()
export class AdminRecoveryService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly access: AccessService,
    private readonly sessions: UserSessions,
    private readonly oneTimeTokens: OneTimeTokensService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async recover(request: AdminRecoveryRequest): Promise<AdminRecoveryReport> {
    const user = await this.users.findByEmail(request.email);
    if (!user) throw AppException.notFound('User');
    return this.transactions.run(async () => {
      const account = await this.users.restorePlatformAdmin(user.id, request.password);
      const rules = await this.access.restoreAdmin(user.tenantId, user.id);
      const revokedSessions = await this.sessions.revokeAll(user.tenantId, user.id, 'admin-recovery');
      const removedDenies = rules.removedDenies.map((r) => `${r.subject} deny ${r.action} ${r.object}`);
      await this.audit.record({
        action: 'user.platform-admin.recover',
        resourceType: 'user',
        resourceId: user.id,
        tenantId: user.tenantId,
        actorId: null,
        oldValue: account.before,
        newValue: { ...account.after, tenantRole: 'admin', removedDenies, revokedSessions, passwordSet: request.password !== undefined },
      });
      const report: AdminRecoveryReport = { userId: user.id, tenantId: user.tenantId, username: user.username, removedDenies, stillDenied: rules.stillDenied, revokedSessions };
      if (request.resetToken) {
        const minutes = this.config.env.PASSWORD_RESET_TTL_MINUTES;
        report.resetToken = await this.oneTimeTokens.issue(user.id, 'reset-password', minutes * 60_000);
        report.resetUrl = `${this.config.publicUrl}/api/v1/auth/password-reset/confirm`;
      }
      return report;
    });
  }
}
