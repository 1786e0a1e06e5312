import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { deleteRoomRow, saveRoomRow } from '../core/room-rows';
import { RoomSipConfigEntity } from './room-sip-config.entity';

/** `room_sip_configs` (one per room), every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class RoomSipRepository {
  constructor(private readonly transactions: Transactions) {}

  private get configs(): Repository<RoomSipConfigEntity> {
    return this.transactions.repository(RoomSipConfigEntity);
  }

  findSipConfig(tenantId: string, roomId: string): Promise<RoomSipConfigEntity | null> {
    return this.configs.findOneBy({ tenantId, roomId });
  }

  /** Inserts the configuration, or updates it when `config` carries the id of one read in the tenant. */
  saveSipConfig(config: Partial<RoomSipConfigEntity> & { tenantId: string }): Promise<RoomSipConfigEntity> {
    return saveRoomRow(this.configs, config);
  }

  deleteSipConfig(tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(this.configs, tenantId, id);
  }
}
