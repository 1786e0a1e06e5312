import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { AppConfig } from '../common/config/app-config';
import { assertPasswordPolicy, verifyPassword } from '../common/crypto/password';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { MailService } from '../mail/mail.service';
import { UsersService } from '../users/users.service';
import { CredentialRevocation } from './credential-revocation.service';
import { AcceptedDto, ChangePasswordDto, ConfirmPasswordResetDto } from './dto/account.dto';
import { OneTimeTokensService } from './one-time-tokens.service';

const RESET_ACCEPTED: AcceptedDto = { message: 'If the address belongs to an account, a password reset link is on its way.' };

/**
 * Password reset by e-mail (a single-use `reset-password` token valid
 * PASSWORD_RESET_TTL_MINUTES) and password change by a signed-in user. Both end
 * every credential of the user: the token version is raised (access tokens), and
 * every refresh-token family and every API key is revoked.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokensService,
    private readonly credentials: CredentialRevocation,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Mails a reset link when the address belongs to an active account. The answer
   * is the same either way, and both ways do one write transaction (the request is
   * audited), so neither the body nor the timing tells whether the address exists.
   * Blocked and disabled accounts get no mail.
   */
  async request(email: string): Promise<AcceptedDto> {
    const user = await this.users.findByEmail(email);
    const refusal = user?.refusal ?? null;
    const eligible = user !== null && refusal !== 'blocked' && refusal !== 'disabled';
    await this.transactions.run(async () => {
      if (!user || !eligible) {
        await this.audit.record({
          action: 'auth.password.reset-request',
          resourceType: 'user',
          resourceId: user?.id ?? null,
          tenantId: user?.tenantId ?? null,
          actorId: null,
          newValue: { email: email.slice(0, 254), sent: false, reason: user ? refusal : 'unknown-email' },
        });
        return;
      }
      const minutes = this.config.env.PASSWORD_RESET_TTL_MINUTES;
      const token = await this.tokens.issue(user.id, 'reset-password', minutes * 60_000);
      await this.audit.record({
        action: 'auth.password.reset-request',
        resourceType: 'user',
        resourceId: user.id,
        tenantId: user.tenantId,
        actorId: null,
        newValue: { sent: true },
      });
      this.mail.sendAfterCommit({
        to: user.email,
        subject: 'Reset your password',
        text: [
          `Hello ${user.displayName ?? user.username},`,
          '',
          'someone (hopefully you) asked to reset the password of your account. Your reset token:',
          '',
          token,
          '',
          `Send it with your new password to POST ${this.config.publicUrl}/api/v1/auth/password-reset/confirm {"token": "...", "password": "..."}, or paste it into the app.`,
          `It works once and expires in ${minutes} minutes. Earlier reset links no longer work. If you did not ask for this, ignore this e-mail: your password stays as it is.`,
        ].join('\n'),
      });
    });
    return RESET_ACCEPTED;
  }

  /**
   * Spends the token and sets the new password in one transaction (a password
   * that fails the policy leaves the token usable), revokes every session of the
   * user and marks the address verified: the token proved that the user reads it.
   */
  async confirm(dto: ConfirmPasswordResetDto): Promise<void> {
    await this.transactions.run(async () => {
      const userId = await this.tokens.consume(dto.token, 'reset-password');
      const user = await this.users.findById(userId);
      if (!user) throw AppException.notFound('User');
      await this.users.setPassword(userId, dto.password);
      if (!user.emailVerified) await this.users.markEmailVerified(userId);
      const revoked = await this.credentials.revokeAll(user.tenantId, userId, 'password-reset');
      await this.audit.record({
        action: 'auth.password.reset',
        resourceType: 'user',
        resourceId: userId,
        tenantId: user.tenantId,
        actorId: userId,
        newValue: revoked,
      });
    });
  }

  /**
   * A signed-in user changes its password. Every session ends, the caller's own
   * included (the token version rises and all refresh tokens are revoked): the
   * client signs in again with the new password.
   */
  async change(principal: Principal, dto: ChangePasswordDto): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw AppException.notFound('User');
    if (!(await verifyPassword(user.passwordHash, dto.currentPassword))) {
      throw AppException.invalidField('currentPassword', 'currentPassword is wrong', 'wrongPassword');
    }
    assertPasswordPolicy(dto.newPassword, user, 'newPassword');
    await this.transactions.run(async () => {
      await this.users.setPassword(user.id, dto.newPassword);
      const revoked = await this.credentials.revokeAll(user.tenantId, user.id, 'password-change');
      await this.audit.record({
        action: 'auth.password.change',
        resourceType: 'user',
        resourceId: user.id,
        tenantId: user.tenantId,
        newValue: revoked,
      });
    });
  }
}
