import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../common/database/transactions';
import { PageQueryDto, pageByCreatedAt } from '../common/pagination/pagination';
import { TenantEntity } from './entities/tenant.entity';

/** `tenants`, in the caller's transaction when one is open. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get tenants(): Repository<TenantEntity> {
    return this.transactions.repository(TenantEntity);
  }

  findById(id: string): Promise<TenantEntity | null> {
    return this.tenants.findOneBy({ id });
  }

  findDefault(): Promise<TenantEntity | null> {
    return this.tenants.findOneBy({ isDefault: true });
  }

  findBySlug(slug: string): Promise<TenantEntity | null> {
    return this.tenants.findOneBy({ slug });
  }

  findPage(query: PageQueryDto): Promise<TenantEntity[]> {
    return pageByCreatedAt(this.tenants.createQueryBuilder('t'), 't', query).getMany();
  }

  insert(values: Partial<TenantEntity>): Promise<TenantEntity> {
    return this.tenants.save(this.tenants.create(values));
  }

  lockById(id: string): Promise<TenantEntity | null> {
    return this.tenants.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  save(tenant: TenantEntity): Promise<TenantEntity> {
    return this.tenants.save(tenant);
  }
}
