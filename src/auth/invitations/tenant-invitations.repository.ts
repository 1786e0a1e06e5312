import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { PageQueryDto, pageByCreatedAt } from '../../common/pagination/pagination';
import type { InvitationStatus } from './tenant-invitation.dto';
import { TenantInvitationEntity } from './tenant-invitation.entity';

export interface InvitationFilter {
  status?: InvitationStatus;
  email?: string;
}

/** `tenant_invitations`, every query scoped to one tenant but the look-up by token, in the caller's transaction when one is open. */
@Injectable()
export class TenantInvitationsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get invitations(): Repository<TenantInvitationEntity> {
    return this.transactions.repository(TenantInvitationEntity);
  }

  insert(values: Omit<TenantInvitationEntity, 'id' | 'createdAt' | 'updatedAt' | 'sentCount' | 'lastSentAt' | 'acceptedAt' | 'acceptedBy' | 'revokedAt'>) {
    return this.invitations.save(this.invitations.create({ ...values, sentCount: 1, lastSentAt: new Date(), acceptedAt: null, acceptedBy: null, revokedAt: null }));
  }

  findInTenant(tenantId: string, id: string, lock = false): Promise<TenantInvitationEntity | null> {
    return this.invitations.findOne({ where: { tenantId, id }, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
  }

  /** The invitation of a presented token, locked (any tenant: a token is presented before anything is known). */
  lockByTokenHash(tokenHash: string): Promise<TenantInvitationEntity | null> {
    return this.invitations.findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  findByTokenHash(tokenHash: string): Promise<TenantInvitationEntity | null> {
    return this.invitations.findOneBy({ tokenHash });
  }

  /** The invitation of `email` in the tenant that is neither accepted nor revoked (it may have expired), locked. */
  lockOpenByEmail(tenantId: string, email: string): Promise<TenantInvitationEntity | null> {
    return this.invitations
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.tenant_id = :tenantId AND lower(i.email) = lower(:email) AND i.accepted_at IS NULL AND i.revoked_at IS NULL', { tenantId, email })
      .getOne();
  }

  /** A page of the tenant's invitations, oldest first (`limit + 1` rows). */
  findPage(tenantId: string, filter: InvitationFilter, query: PageQueryDto): Promise<TenantInvitationEntity[]> {
    const qb = this.invitations.createQueryBuilder('i').where('i.tenant_id = :tenantId', { tenantId });
    if (filter.email) qb.andWhere('lower(i.email) = lower(:email)', { email: filter.email });
    switch (filter.status) {
      case 'accepted':
        qb.andWhere('i.accepted_at IS NOT NULL');
        break;
      case 'revoked':
        qb.andWhere('i.revoked_at IS NOT NULL');
        break;
      case 'expired':
        qb.andWhere('i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at <= now()');
        break;
      case 'pending':
        qb.andWhere('i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()');
        break;
    }
    return pageByCreatedAt(qb, 'i', query).getMany();
  }

  /** Writes back an invitation read in the tenant (UPDATE ... WHERE tenant_id AND id). */
  async update(invitation: TenantInvitationEntity, values: Partial<Pick<TenantInvitationEntity, 'tokenHash' | 'expiresAt' | 'sentCount' | 'lastSentAt' | 'acceptedAt' | 'acceptedBy' | 'revokedAt'>>): Promise<TenantInvitationEntity> {
    await this.invitations.update({ tenantId: invitation.tenantId, id: invitation.id }, values);
    return Object.assign(invitation, values);
  }
}
