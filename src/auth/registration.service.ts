import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../common/config/app-config';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { TenantsService } from '../tenants/tenants.service';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { RegisterDto } from './dto/auth.dto';
import { EmailVerificationService } from './email-verification.service';
import { TenantInvitationsService } from './invitations/tenant-invitations.service';

/**
 * Self-registration: into the default tenant as `member` (when REGISTRATION_ENABLED), or, with an
 * invitation token, into the invitation's tenant with its role, whatever REGISTRATION_ENABLED says
 * (invite-only installations). The invitation proves the address: no verification mail then.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly invitations: TenantInvitationsService,
    private readonly emailVerification: EmailVerificationService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterDto): Promise<UserDto> {
    const { invitationToken, ...account } = dto;
    if (invitationToken === undefined && !this.config.env.REGISTRATION_ENABLED) {
      throw AppException.forbidden('Self-registration is disabled: ask for an invitation.', 'registration-disabled');
    }
    const defaultTenant = invitationToken === undefined ? await this.tenants.getDefaultId() : undefined;
    const user = await this.transactions.run(async () => {
      const invitation = invitationToken !== undefined ? await this.invitations.claim(invitationToken, account.email) : undefined;
      const tenantId = invitation?.tenantId ?? defaultTenant!;
      const created = await this.users.create({ ...account, tenantId, tenantRole: invitation?.role ?? 'member', emailVerified: invitation !== undefined });
      await this.audit.record({
        action: 'auth.register', resourceType: 'user', resourceId: created.id, tenantId, actorId: created.id,
        ...(invitation && { newValue: { invitationId: invitation.id, role: invitation.role } }),
      });
      if (invitation) await this.invitations.markAccepted(invitation, created.id);
      else await this.emailVerification.sendVerification(created);
      return created;
    });
    return this.users.get(user.tenantId, user.id);
  }
}
