import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { AppConfig } from '../common/config/app-config';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { MailService } from '../mail/mail.service';
import type { UserAccount } from '../users/user-account';
import { UsersService } from '../users/users.service';
import { AcceptedDto, EmailVerifiedDto } from './dto/account.dto';
import { OneTimeTokensService } from './one-time-tokens.service';

/** The API path of the link in the verification e-mail (under PUBLIC_URL). */
export const VERIFY_EMAIL_PATH = '/api/v1/auth/verify-email';

/**
 * E-mail verification: a single-use token (purpose `verify-email`, valid
 * EMAIL_VERIFICATION_TTL_HOURS) mailed as a link after registration or on request.
 * The link opens `GET /auth/verify-email?token=`; a front end with its own page
 * would rather `POST /auth/verify-email {token}`.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokensService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Issues a token in the caller's transaction and mails the link once it commits. */
  async sendVerification(user: UserAccount): Promise<void> {
    const ttlHours = this.config.env.EMAIL_VERIFICATION_TTL_HOURS;
    const token = await this.tokens.issue(user.id, 'verify-email', ttlHours * 3_600_000);
    const link = `${this.config.publicUrl}${VERIFY_EMAIL_PATH}?token=${token}`;
    this.mail.sendAfterCommit({
      to: user.email,
      subject: 'Confirm your e-mail address',
      text: [
        `Hello ${user.displayName ?? user.username},`,
        '',
        'please confirm your e-mail address by opening this link:',
        '',
        link,
        '',
        `The link works once and expires in ${ttlHours} hours. If you did not create an account, ignore this e-mail.`,
      ].join('\n'),
    });
  }

  /** Spends a verification token and marks the address verified. */
  async verify(token: string): Promise<EmailVerifiedDto> {
    return this.transactions.run(async () => {
      const userId = await this.tokens.consume(token, 'verify-email');
      const user = await this.users.findById(userId);
      if (!user) throw AppException.notFound('User');
      await this.users.markEmailVerified(userId);
      await this.audit.record({
        action: 'auth.email.verify',
        resourceType: 'user',
        resourceId: userId,
        tenantId: user.tenantId,
        actorId: userId,
        newValue: { email: user.email, emailVerified: true },
      });
      return { userId, email: user.email, emailVerified: true };
    });
  }

  /** A new link for the signed-in caller; earlier links stop working. 409 when the address is already verified. */
  async resend(principal: Principal): Promise<AcceptedDto> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw AppException.notFound('User');
    if (user.emailVerified) throw AppException.conflict('The e-mail address is already verified.', 'already-verified');
    await this.transactions.run(async () => {
      await this.sendVerification(user);
      await this.audit.record({ action: 'auth.email.verification-sent', resourceType: 'user', resourceId: user.id, tenantId: user.tenantId });
    });
    return { message: `A verification link is on its way to ${user.email}.` };
  }
}
