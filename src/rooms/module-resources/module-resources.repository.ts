import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { deleteRoomRow, findRoomRow, findRoomRowsPage, insertRoomRow, updateTenantRow } from '../core/room-rows';
import { ModuleResourceQueryDto } from './module-resource.dto';
import { ModuleResourceEntity } from './module-resource.entity';

/** `module_resources`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class ModuleResourcesRepository {
  constructor(private readonly transactions: Transactions) {}

  private get resources(): Repository<ModuleResourceEntity> {
    return this.transactions.repository(ModuleResourceEntity);
  }

  /** Optionally of one namespace and one tag. */
  findModuleResourcesPage(tenantId: string, roomId: string, query: ModuleResourceQueryDto): Promise<ModuleResourceEntity[]> {
    return findRoomRowsPage(this.resources, tenantId, roomId, query, (qb) => {
      if (query.namespace) qb.andWhere('r.namespace = :namespace', { namespace: query.namespace });
      if (query.tag) qb.andWhere('r.tag = :tag', { tag: query.tag });
    });
  }

  findModuleResource(tenantId: string, roomId: string, id: string, lock = false): Promise<ModuleResourceEntity | null> {
    return findRoomRow(this.resources, tenantId, roomId, id, lock);
  }

  insertModuleResource(values: Partial<ModuleResourceEntity> & { tenantId: string }): Promise<ModuleResourceEntity> {
    return insertRoomRow(this.resources, values);
  }

  /** Writes back a resource read (and locked) in its tenant (tenant and id in the WHERE); answers it as stored. */
  updateModuleResource(resource: ModuleResourceEntity): Promise<ModuleResourceEntity> {
    return updateTenantRow(this.resources, resource);
  }

  deleteModuleResource(tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(this.resources, tenantId, id);
  }
}
