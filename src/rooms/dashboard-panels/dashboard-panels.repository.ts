import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { PageQueryDto } from '../../common/pagination/pagination';
import { deleteRoomRow, findRoomRow, findRoomRowsPage, insertRoomRow, updateTenantRow } from '../core/room-rows';
import { DashboardPanelEntity } from './dashboard-panel.entity';

/** `dashboard_panels`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class DashboardPanelsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get panels(): Repository<DashboardPanelEntity> {
    return this.transactions.repository(DashboardPanelEntity);
  }

  findPanelsPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<DashboardPanelEntity[]> {
    return findRoomRowsPage(this.panels, tenantId, roomId, query);
  }

  findPanel(tenantId: string, roomId: string, id: string, lock = false): Promise<DashboardPanelEntity | null> {
    return findRoomRow(this.panels, tenantId, roomId, id, lock);
  }

  insertPanel(values: Partial<DashboardPanelEntity> & { tenantId: string }): Promise<DashboardPanelEntity> {
    return insertRoomRow(this.panels, values);
  }

  /** Writes back a panel read (and locked) in its tenant (tenant and id in the WHERE); answers it as stored. */
  updatePanel(panel: DashboardPanelEntity): Promise<DashboardPanelEntity> {
    return updateTenantRow(this.panels, panel);
  }

  deletePanel(tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(this.panels, tenantId, id);
  }
}
