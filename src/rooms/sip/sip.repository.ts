import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto } from '../common/pagination/pagination';
import { RoomSipConfigEntity, RoomStreamingTargetEntity } from './entities/room-extras.entity';
import { deleteRoomRow, findRoomRow, findRoomRowsPage, saveRoomRow } from './room-rows';

/** A room's SIP dial-in configuration and its streaming targets. */
@Injectable()
export class RoomMediaRepository {
  constructor(@InjectRepository(RoomStreamingTargetEntity) private readonly targets: Repository<RoomStreamingTargetEntity>) {}

  // ---- SIP -----------------------------------------------------------------------------------

  findSipConfig(manager: EntityManager, tenantId: string, roomId: string): Promise<RoomSipConfigEntity | null> {
    return manager.findOneBy(RoomSipConfigEntity, { tenantId, roomId });
  }

  /** Inserts the configuration, or updates it when `config` carries the id of a stored one. */
  saveSipConfig(manager: EntityManager, config: Partial<RoomSipConfigEntity> & { tenantId: string }): Promise<RoomSipConfigEntity> {
    return saveRoomRow(manager, RoomSipConfigEntity, config);
  }

  deleteSipConfig(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(manager, RoomSipConfigEntity, tenantId, id);
  }

  // ---- streaming targets ---------------------------------------------------------------------

  findStreamingTargetsPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomStreamingTargetEntity[]> {
    return findRoomRowsPage(this.targets, tenantId, roomId, query);
  }

  findStreamingTarget(manager: EntityManager, tenantId: string, roomId: string, id: string, lock = false): Promise<RoomStreamingTargetEntity | null> {
    return findRoomRow(manager, RoomStreamingTargetEntity, tenantId, roomId, id, lock);
  }

  insertStreamingTarget(manager: EntityManager, values: Partial<RoomStreamingTargetEntity> & { tenantId: string }): Promise<RoomStreamingTargetEntity> {
    return saveRoomRow(manager, RoomStreamingTargetEntity, values);
  }

  saveStreamingTarget(manager: EntityManager, target: RoomStreamingTargetEntity): Promise<RoomStreamingTargetEntity> {
    return manager.save(target);
  }

  deleteStreamingTarget(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(manager, RoomStreamingTargetEntity, tenantId, id);
  }
}
