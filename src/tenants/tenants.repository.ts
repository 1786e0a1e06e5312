import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto, pageByCreatedAt } from '../common/pagination/pagination';
import { TenantEntity } from './entities/tenant.entity';

@Injectable()
export class TenantsRepository {
  constructor(@InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>) {}

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

  insert(manager: EntityManager, values: Partial<TenantEntity>): Promise<TenantEntity> {
    return manager.save(manager.create(TenantEntity, values));
  }

  lockById(manager: EntityManager, id: string): Promise<TenantEntity | null> {
    return manager.findOne(TenantEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  save(manager: EntityManager, tenant: TenantEntity): Promise<TenantEntity> {
    return manager.save(tenant);
  }
}
