import { Injectable } from '@nestjs/common';
import { AccessService } from '../../access/access.service';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../common/auth/principal';
import { scopedTenant } from '../../common/auth/tenant-scope';
import { AppConfig } from '../../common/config/app-config';
import { randomToken, sha256 } from '../../common/crypto/crypto';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { Page, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { MailService } from '../../mail/mail.service';
import type { TenantDto } from '../../tenants/dto/tenant.dto';
import { TenantsService } from '../../tenants/tenants.service';
import { UsersService } from '../../users/users.service';
import {
  AcceptedInvitationDto, CreateTenantInvitationDto, INVITATION_TOKEN_PATTERN, InvitationPreviewDto, TenantInvitationDto, TenantInvitationQueryDto,
} from './tenant-invitation.dto';
import { TenantInvitationEntity } from './tenant-invitation.entity';
import { TenantInvitationsRepository } from './tenant-invitations.repository';
import { statusOf, toTenantInvitationDto } from './tenant-invitations.mapper';

/** An invitation being used, inside the caller's transaction (registration, OIDC, accept). */
export interface ClaimedInvitation {
  readonly id: string;
  readonly tenantId: string;
  readonly role: string;
}

const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Staffing a tenant: a tenant admin (or a platform admin, for any tenant) invites an e-mail address
 * with a tenant role; the mail carries a single-use token; registering, signing in with OIDC, or
 * accepting while signed in with that token joins the tenant with that role. One tenant per account:
 * an address whose account belongs to another tenant cannot be invited (409 `email-in-other-tenant`).
 */
@Injectable()
export class TenantInvitationsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly invitations: TenantInvitationsRepository,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  // ---- administration ------------------------------------------------------------------------

  async create(principal: Principal, dto: CreateTenantInvitationDto, requestedTenant?: string): Promise<TenantInvitationDto> {
    const tenant = await this.tenantOf(principal, requestedTenant);
    const role = dto.role ?? 'member';
    if (!(await this.access.roleExists(tenant.id, role))) throw AppException.invalidField('role', `role "${role}" does not exist in this tenant`, 'unknownRole');
    const account = await this.users.findByEmail(dto.email);
    if (account && account.tenantId === tenant.id) {
      throw AppException.conflict('This address has an account in the tenant already: change its role instead.', 'already-in-tenant');
    }
    if (account) throw AppException.conflict('This address has an account in another organisation (one tenant per account).', 'email-in-other-tenant');
    const token = randomToken(32);
    return this.transactions.run(async () => {
      const open = await this.invitations.lockOpenByEmail(tenant.id, dto.email);
      if (open && statusOf(open) === 'pending') {
        throw AppException.conflict('This address has a pending invitation: resend it or revoke it first.', 'invitation-pending');
      }
      // An expired invitation makes room for the new one.
      if (open) await this.invitations.update(open, { revokedAt: new Date() });
      const invitation = await this.invitations.insert({
        tenantId: tenant.id, email: dto.email, role, tokenHash: sha256(token), invitedBy: principal.userId, expiresAt: this.expiry(),
      });
      const out = toTenantInvitationDto(invitation);
      await this.audit.record({ action: 'tenant.invitation.create', resourceType: 'tenant-invitation', resourceId: invitation.id, tenantId: tenant.id, newValue: out });
      this.sendMail(tenant, invitation, token);
      return out;
    });
  }

  async list(principal: Principal, query: TenantInvitationQueryDto): Promise<Page<TenantInvitationDto>> {
    const tenant = await this.tenantOf(principal, query.tenantId);
    const rows = await this.invitations.findPage(tenant.id, { status: query.status, email: query.email }, query);
    return toPage(rows, query.limit, toTenantInvitationDto, createdAtCursor);
  }

  async get(principal: Principal, id: string, requestedTenant?: string): Promise<TenantInvitationDto> {
    const tenant = await this.tenantOf(principal, requestedTenant);
    return toTenantInvitationDto(await this.find(tenant.id, id, false));
  }

  /** A new token and a new expiry, mailed again; the earlier token stops working. */
  async resend(principal: Principal, id: string, requestedTenant?: string): Promise<TenantInvitationDto> {
    const tenant = await this.tenantOf(principal, requestedTenant);
    const token = randomToken(32);
    return this.transactions.run(async () => {
      const invitation = await this.find(tenant.id, id, true);
      this.assertOpen(invitation);
      const saved = await this.invitations.update(invitation, {
        tokenHash: sha256(token), expiresAt: this.expiry(), sentCount: invitation.sentCount + 1, lastSentAt: new Date(),
      });
      await this.audit.record({
        action: 'tenant.invitation.resend', resourceType: 'tenant-invitation', resourceId: id, tenantId: tenant.id, newValue: { sentCount: saved.sentCount, expiresAt: saved.expiresAt },
      });
      this.sendMail(tenant, saved, token);
      return toTenantInvitationDto(saved);
    });
  }

  /** Revokes an invitation that was not used; revoking a revoked one changes nothing. */
  async revoke(principal: Principal, id: string, requestedTenant?: string): Promise<void> {
    const tenant = await this.tenantOf(principal, requestedTenant);
    await this.transactions.run(async () => {
      const invitation = await this.find(tenant.id, id, true);
      if (invitation.revokedAt) return;
      if (invitation.acceptedAt) throw AppException.conflict('The invitation was accepted already.', 'invitation-accepted');
      await this.invitations.update(invitation, { revokedAt: new Date() });
      await this.audit.record({ action: 'tenant.invitation.revoke', resourceType: 'tenant-invitation', resourceId: id, tenantId: tenant.id, oldValue: { email: invitation.email, role: invitation.role } });
    });
  }

  // ---- use -----------------------------------------------------------------------------------

  /** What a presented token invites to (without using it). */
  async preview(token: string): Promise<InvitationPreviewDto> {
    const invitation = this.assertUsable(await this.invitations.findByTokenHash(this.hashOf(token)));
    const tenant = await this.tenants.get(invitation.tenantId);
    return {
      tenantId: tenant.id,
      tenantName: tenant.name,
      tenantSlug: tenant.slug,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt.toISOString(),
      oidcLoginUrl: this.oidcLoginUrl(tenant, token),
    };
  }

  /**
   * Locks a usable invitation for `email` in the caller's transaction (registration, OIDC). The
   * caller creates or finds the user, then calls `markAccepted` in the same transaction.
   */
  async claim(token: string, email: string, field = 'email'): Promise<ClaimedInvitation> {
    const invitation = this.assertUsable(await this.invitations.lockByTokenHash(this.hashOf(token)));
    if (!sameAddress(invitation.email, email)) {
      throw AppException.invalidField(field, `${field} must be the invited address`, 'invitationEmail');
    }
    return { id: invitation.id, tenantId: invitation.tenantId, role: invitation.role };
  }

  /** Closes a claimed invitation (single use), with its audit entry. */
  async markAccepted(claimed: ClaimedInvitation, userId: string): Promise<void> {
    const invitation = await this.invitations.findInTenant(claimed.tenantId, claimed.id);
    if (!invitation) throw AppException.notFound('Invitation');
    await this.invitations.update(invitation, { acceptedAt: new Date(), acceptedBy: userId });
    await this.audit.record({
      action: 'tenant.invitation.accept', resourceType: 'tenant-invitation', resourceId: claimed.id, tenantId: claimed.tenantId, actorId: userId, newValue: { userId, role: claimed.role },
    });
  }

  /** An existing user of the invitation's tenant takes the claimed invitation: it gets its role. */
  async acceptFor(claimed: ClaimedInvitation, userId: string): Promise<void> {
    await this.access.setUserRole(claimed.tenantId, userId, claimed.role);
    await this.markAccepted(claimed, userId);
  }

  /**
   * The signed-in caller accepts an invitation to its own address: in its own tenant it gets the
   * invitation's role; an account of another tenant cannot join (one tenant per account).
   */
  async accept(principal: Principal, token: string): Promise<AcceptedInvitationDto> {
    const me = await this.users.findById(principal.userId);
    if (!me) throw AppException.unauthorized();
    return this.transactions.run(async () => {
      const invitation = this.assertUsable(await this.invitations.lockByTokenHash(this.hashOf(token)));
      if (!sameAddress(invitation.email, me.email)) {
        throw AppException.forbidden('This invitation is for another address.', 'invitation-email-mismatch');
      }
      if (invitation.tenantId !== me.tenantId) {
        throw AppException.conflict('Your account belongs to another organisation (one tenant per account).', 'email-in-other-tenant');
      }
      const claimed = { id: invitation.id, tenantId: invitation.tenantId, role: invitation.role };
      await this.acceptFor(claimed, me.id);
      return { tenantId: claimed.tenantId, role: claimed.role };
    });
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The tenant the request acts in: the caller's, or one a platform admin names (404 when it does not exist). */
  private async tenantOf(principal: Principal, requested: string | undefined): Promise<TenantDto> {
    return this.tenants.get(scopedTenant(principal, requested));
  }

  private async find(tenantId: string, id: string, lock: boolean): Promise<TenantInvitationEntity> {
    const invitation = await this.invitations.findInTenant(tenantId, id, lock);
    if (!invitation) throw AppException.notFound('Invitation');
    return invitation;
  }

  private hashOf(token: string): string {
    if (!INVITATION_TOKEN_PATTERN.test(token)) throw AppException.notFound('Invitation');
    return sha256(token);
  }

  /** 404 for an unknown token, 410 for one that was used, revoked or has expired. */
  private assertUsable(invitation: TenantInvitationEntity | null): TenantInvitationEntity {
    if (!invitation) throw AppException.notFound('Invitation');
    switch (statusOf(invitation)) {
      case 'accepted':
        throw new AppException(410, 'invitation-used', { detail: 'This invitation has been used.' });
      case 'revoked':
        throw new AppException(410, 'invitation-revoked', { detail: 'This invitation was revoked.' });
      case 'expired':
        throw new AppException(410, 'invitation-expired', { detail: 'This invitation has expired: ask for a new one.' });
      case 'pending':
        return invitation;
    }
  }

  private assertOpen(invitation: TenantInvitationEntity): void {
    if (invitation.acceptedAt) throw AppException.conflict('The invitation was accepted already.', 'invitation-accepted');
    if (invitation.revokedAt) throw new AppException(410, 'invitation-revoked', { detail: 'This invitation was revoked: invite the address again.' });
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.env.TENANT_INVITATION_TTL_HOURS * 3_600_000);
  }

  private oidcLoginUrl(tenant: TenantDto, token: string): string | null {
    return tenant.oidc ? `${this.config.publicUrl}/api/v1/auth/oidc/${tenant.slug}/authorize?invitation=${token}` : null;
  }

  /** Mails the token once the transaction commits. */
  private sendMail(tenant: TenantDto, invitation: TenantInvitationEntity, token: string): void {
    const api = `${this.config.publicUrl}/api/v1`;
    const oidc = this.oidcLoginUrl(tenant, token);
    this.mail.sendAfterCommit({
      to: invitation.email,
      subject: `You are invited to ${tenant.name}`,
      text: [
        'Hello,',
        '',
        `you are invited to join ${tenant.name} as ${invitation.role}. Your invitation token:`,
        '',
        token,
        '',
        ...(oidc ? ['Sign in with your organisation account:', '', oidc, ''] : []),
        `Or create an account: POST ${api}/auth/register {"email": "${invitation.email}", "username": "...", "password": "...", "invitationToken": "..."}, or paste the token into the app.`,
        `If you already have an account in ${tenant.name}, sign in and POST ${api}/tenant-invitations/<token>/accept.`,
        `The invitation works once, for ${invitation.email} only, and expires on ${invitation.expiresAt.toISOString()}. If you did not expect it, ignore this e-mail.`,
      ].join('\n'),
    });
  }
}
