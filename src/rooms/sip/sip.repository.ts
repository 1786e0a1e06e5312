import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { deleteRoomRow, insertRoomRow, updateTenantRow } from '../core/room-rows';
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

  insertSipConfig(values: Partial<RoomSipConfigEntity> & { tenantId: string }): Promise<RoomSipConfigEntity> {
    return insertRoomRow(this.configs, values);
  }

  /** Writes back a configuration read (and locked) in its tenant (tenant and id in the WHERE); answers it as stored. */
  updateSipConfig(config: RoomSipConfigEntity): Promise<RoomSipConfigEntity> {
    return updateTenantRow(this.configs, config);
  }

  deleteSipConfig(tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(this.configs, tenantId, id);
  }
}
