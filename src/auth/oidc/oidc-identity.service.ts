import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { randomToken } from '../../common/crypto/crypto';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { UsersService } from '../../users/users.service';
import { AuthService } from '../auth.service';
import { TokenPairDto } from '../dto/auth.dto';
import { UserIdentityEntity } from '../entities/user-identity.entity';
import { ClaimedInvitation, TenantInvitationsService } from '../invitations/tenant-invitations.service';
import { DeviceInfo } from '../token.service';
import { ExternalIdentity } from './oidc-clients';
import { UserIdentitiesRepository } from './user-identities.repository';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
const USERNAME_MAX = 32;

/**
 * Turns a verified external identity into a session of a user of the tenant:
 * a linked identity signs its user in; otherwise an existing user of the tenant
 * with the same e-mail is linked (only when the provider vouches for the
 * address), or a new user is provisioned. A user or identity of another tenant
 * is refused. Each path is one transaction with its audit entries.
 */
@Injectable()
export class OidcIdentityService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly identities: UserIdentitiesRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly invitations: TenantInvitationsService,
  ) {}

  /**
   * With `invitationToken` (a tenant invitation to the identity's address, for this tenant), a new
   * user is provisioned with the invitation's role, and an existing one of the tenant gets it.
   */
  async signIn(tenantId: string, identity: ExternalIdentity, device: DeviceInfo, invitationToken?: string): Promise<TokenPairDto> {
    const linked = await this.identities.findByProviderSubject(identity.issuer, identity.subject);
    if (linked) return this.signInLinked(tenantId, linked, identity, device, invitationToken);
    const email = requireEmail(identity);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      if (existing.tenantId !== tenantId) {
        throw AppException.conflict('An account with this e-mail address belongs to another organisation.', 'email-in-other-tenant');
      }
      if (!identity.emailVerified) {
        throw AppException.conflict(
          'An account with this e-mail address exists, and the identity provider does not confirm that the address is verified: sign in with the password instead.',
          'oidc-email-unverified',
        );
      }
      return this.link(tenantId, existing.id, identity, device, invitationToken);
    }
    return this.provision(tenantId, email, await this.freeUsername(identity, email), identity, device, invitationToken);
  }

  private async signInLinked(
    tenantId: string, linked: UserIdentityEntity, identity: ExternalIdentity, device: DeviceInfo, invitationToken: string | undefined,
  ): Promise<TokenPairDto> {
    if (linked.tenantId !== tenantId) {
      throw AppException.conflict('This identity is linked to an account of another organisation.', 'identity-other-tenant');
    }
    return this.transactions.run(async () => {
      const user = await this.users.findById(linked.userId);
      if (!user) throw AppException.notFound('User');
      await this.identities.recordLogin(linked.id, identity.email);
      if (invitationToken !== undefined) await this.invitations.acceptFor(await this.claim(tenantId, invitationToken, user.email), user.id);
      return this.auth.startSessionFor(user, device, 'oidc');
    });
  }

  /** The invitation, which must be for this address and this tenant. */
  private async claim(tenantId: string, token: string, email: string): Promise<ClaimedInvitation> {
    const claimed = await this.invitations.claim(token, email, 'invitation');
    if (claimed.tenantId !== tenantId) throw AppException.invalidField('invitation', 'the invitation is for another organisation', 'otherTenant');
    return claimed;
  }

  private async link(tenantId: string, userId: string, identity: ExternalIdentity, device: DeviceInfo, invitationToken: string | undefined): Promise<TokenPairDto> {
    return this.transactions.run(async () => {
      const user = await this.users.findById(userId);
      if (!user) throw AppException.notFound('User');
      if (invitationToken !== undefined) await this.invitations.acceptFor(await this.claim(tenantId, invitationToken, user.email), user.id);
      const saved = await this.identities.insert({ userId, tenantId, provider: identity.issuer, subject: identity.subject, email: identity.email });
      if (!user.emailVerified) await this.users.markEmailVerified(userId);
      await this.audit.record({
        action: 'auth.oidc.link',
        resourceType: 'user-identity',
        resourceId: saved.id,
        tenantId,
        actorId: userId,
        newValue: { userId, provider: saved.provider, subject: saved.subject, email: saved.email },
      });
      return this.auth.startSessionFor(user, device, 'oidc');
    });
  }

  private async provision(
    tenantId: string, email: string, username: string, identity: ExternalIdentity, device: DeviceInfo, invitationToken: string | undefined,
  ): Promise<TokenPairDto> {
    return this.transactions.run(async () => {
      const invitation = invitationToken !== undefined ? await this.claim(tenantId, invitationToken, email) : undefined;
      const user = await this.users.create({
        tenantId,
        email,
        username,
        displayName: identity.name,
        emailVerified: identity.emailVerified,
        tenantRole: invitation?.role ?? 'member',
      });
      if (invitation) await this.invitations.markAccepted(invitation, user.id);
      const saved = await this.identities.insert({ userId: user.id, tenantId, provider: identity.issuer, subject: identity.subject, email });
      await this.audit.record({
        action: 'auth.oidc.provision',
        resourceType: 'user-identity',
        resourceId: saved.id,
        tenantId,
        actorId: user.id,
        newValue: { userId: user.id, username, provider: saved.provider, subject: saved.subject, email, emailVerified: identity.emailVerified },
      });
      return this.auth.startSessionFor(user, device, 'oidc');
    });
  }

  /** preferred_username or the e-mail's local part, reduced to the username alphabet, with a suffix when taken. */
  private async freeUsername(identity: ExternalIdentity, email: string): Promise<string> {
    const raw = (identity.preferredUsername ?? email.split('@')[0])
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, USERNAME_MAX);
    const base = raw.length >= 3 ? raw : `user-${raw}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const candidate = attempt === 0 ? base : `${base.slice(0, USERNAME_MAX - 7)}-${suffix(6)}`;
      if (!(await this.users.findByLogin(candidate))) return candidate;
    }
    return `${base.slice(0, USERNAME_MAX - 13)}-${suffix(12)}`;
  }
}

function requireEmail(identity: ExternalIdentity): string {
  if (!identity.email || identity.email.length > 254 || !EMAIL.test(identity.email)) {
    throw AppException.unprocessable('The identity provider did not share a usable e-mail address (the `email` scope and claim are required).', 'oidc-email-missing');
  }
  return identity.email;
}

/** Lower-case letters and digits. */
const suffix = (length: number): string => randomToken(length).replace(/[^A-Za-z0-9]/g, '0').slice(0, length).toLowerCase();
