import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { UserIdentityEntity } from '../entities/user-identity.entity';

/** External identities (issuer + subject) linked to users: `user_identities`. */
@Injectable()
export class UserIdentitiesRepository {
  constructor(private readonly transactions: Transactions) {}

  private get identities(): Repository<UserIdentityEntity> {
    return this.transactions.repository(UserIdentityEntity);
  }

  findByProviderSubject(provider: string, subject: string): Promise<UserIdentityEntity | null> {
    return this.identities.findOneBy({ provider, subject });
  }

  insert(values: { userId: string; tenantId: string; provider: string; subject: string; email: string | null }): Promise<UserIdentityEntity> {
    return this.identities.save(this.identities.create({ ...values, lastLoginAt: new Date() }));
  }

  async recordLogin(id: string, email: string | null): Promise<void> {
    await this.identities.update({ id }, { lastLoginAt: new Date(), email });
  }
}
