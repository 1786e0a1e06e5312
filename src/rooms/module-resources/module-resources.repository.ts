import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto } from '../common/pagination/pagination';
import { ModuleResourceQueryDto } from './dto/room-extras.dto';
import { DashboardPanelEntity, ModuleResourceEntity } from './entities/room-extras.entity';
import { deleteRoomRow, findRoomRow, findRoomRowsPage, saveRoomRow } from './room-rows';

/** Dashboard panels and module resources of a room. */
@Injectable()
export class RoomContentRepository {
  constructor(
    @InjectRepository(DashboardPanelEntity) private readonly panels: Repository<DashboardPanelEntity>,
    @InjectRepository(ModuleResourceEntity) private readonly resources: Repository<ModuleResourceEntity>,
  ) {}

  // ---- dashboard panels ----------------------------------------------------------------------

  findPanelsPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<DashboardPanelEntity[]> {
    return findRoomRowsPage(this.panels, tenantId, roomId, query);
  }

  findPanel(manager: EntityManager, tenantId: string, roomId: string, id: string, lock = false): Promise<DashboardPanelEntity | null> {
    return findRoomRow(manager, DashboardPanelEntity, tenantId, roomId, id, lock);
  }

  insertPanel(manager: EntityManager, values: Partial<DashboardPanelEntity> & { tenantId: string }): Promise<DashboardPanelEntity> {
    return saveRoomRow(manager, DashboardPanelEntity, values);
  }

  savePanel(manager: EntityManager, panel: DashboardPanelEntity): Promise<DashboardPanelEntity> {
    return manager.save(panel);
  }

  deletePanel(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(manager, DashboardPanelEntity, tenantId, id);
  }

  // ---- module resources ----------------------------------------------------------------------

  /** Optionally of one namespace and one tag. */
  findModuleResourcesPage(tenantId: string, roomId: string, query: ModuleResourceQueryDto): Promise<ModuleResourceEntity[]> {
    return findRoomRowsPage(this.resources, tenantId, roomId, query, (qb) => {
      if (query.namespace) qb.andWhere('r.namespace = :namespace', { namespace: query.namespace });
      if (query.tag) qb.andWhere('r.tag = :tag', { tag: query.tag });
    });
  }

  findModuleResource(manager: EntityManager, tenantId: string, roomId: string, id: string, lock = false): Promise<ModuleResourceEntity | null> {
    return findRoomRow(manager, ModuleResourceEntity, tenantId, roomId, id, lock);
  }

  insertModuleResource(manager: EntityManager, values: Partial<ModuleResourceEntity> & { tenantId: string }): Promise<ModuleResourceEntity> {
    return saveRoomRow(manager, ModuleResourceEntity, values);
  }

  saveModuleResource(manager: EntityManager, resource: ModuleResourceEntity): Promise<ModuleResourceEntity> {
    return manager.save(resource);
  }

  deleteModuleResource(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(manager, ModuleResourceEntity, tenantId, id);
  }
}
