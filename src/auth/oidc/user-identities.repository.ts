import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserIdentityEntity } from '../entities/user-identity.entity';

/** External identities (issuer + subject) linked to users: `user_identities`. */
@Injectable()
export class UserIdentitiesRepository {
  constructor(@InjectRepository(UserIdentityEntity) private readonly identities: Repository<UserIdentityEntity>) {}

  findByProviderSubject(provider: string, subject: string): Promise<UserIdentityEntity | null> {
    return this.identities.findOneBy({ provider, subject });
  }

  insert(manager: EntityManager, values: { userId: string; tenantId: string; provider: string; subject: string; email: string | null }): Promise<UserIdentityEntity> {
    return manager.save(manager.create(UserIdentityEntity, { ...values, lastLoginAt: new Date() }));
  }

  async recordLogin(manager: EntityManager, id: string, email: string | null): Promise<void> {
    await manager.update(UserIdentityEntity, { id }, { lastLoginAt: new Date(), email });
  }
}
