import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { assertJsonSize } from '../../common/json-patch/json-size';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { RoomAccess, RoomActor, RoomPermission } from '../core/room-access';
import { RoomEntity } from '../core/room.entity';
import { CreatePanelDto, DashboardPanelDto, PANEL_CONFIG_MAX_BYTES, UpdatePanelDto } from './dashboard-panel.dto';
import { toPanelDto } from './dashboard-panels.mapper';
import { DashboardPanelsRepository } from './dashboard-panels.repository';

/** The panels of a DASHBOARD room: layout and JSON configuration, edited by members. */
@Injectable()
export class DashboardPanelsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly panels: DashboardPanelsRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<DashboardPanelDto>> {
    const room = await this.dashboard(actor, roomId, 'read');
    const rows = await this.panels.findPanelsPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toPanelDto, createdAtCursor);
  }

  async create(actor: RoomActor, roomId: string, dto: CreatePanelDto): Promise<DashboardPanelDto> {
    const config = dto.config ?? {};
    assertJsonSize('config', config, PANEL_CONFIG_MAX_BYTES);
    return this.transactions.run(async () => {
      const room = await this.dashboard(actor, roomId, 'edit-panels');
      const layout = { x: dto.layout.x, y: dto.layout.y, w: dto.layout.w, h: dto.layout.h };
      const saved = await this.panels.insertPanel({ tenantId: actor.tenantId, roomId: room.id, name: dto.name, layout, config });
      await this.audit.record({
        action: 'room.panel.create', resourceType: 'dashboard-panel', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, name: saved.name, layout },
      });
      return toPanelDto(saved);
    });
  }

  async update(actor: RoomActor, roomId: string, panelId: string, dto: UpdatePanelDto): Promise<DashboardPanelDto> {
    if (dto.config) assertJsonSize('config', dto.config, PANEL_CONFIG_MAX_BYTES);
    return this.transactions.run(async () => {
      const room = await this.dashboard(actor, roomId, 'edit-panels');
      const panel = await this.panels.findPanel(actor.tenantId, room.id, panelId, true);
      if (!panel) throw AppException.notFound('Panel');
      const before = { name: panel.name, layout: panel.layout };
      if (dto.name !== undefined) panel.name = dto.name;
      if (dto.layout) panel.layout = { x: dto.layout.x, y: dto.layout.y, w: dto.layout.w, h: dto.layout.h };
      if (dto.config) panel.config = dto.config;
      const saved = await this.panels.updatePanel(panel);
      await this.audit.record({
        action: 'room.panel.update', resourceType: 'dashboard-panel', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: before, newValue: { name: saved.name, layout: saved.layout, configChanged: dto.config !== undefined },
      });
      return toPanelDto(saved);
    });
  }

  async remove(actor: RoomActor, roomId: string, panelId: string): Promise<void> {
    await this.transactions.run(async () => {
      const room = await this.dashboard(actor, roomId, 'edit-panels');
      const panel = await this.panels.findPanel(actor.tenantId, room.id, panelId);
      if (!panel) throw AppException.notFound('Panel');
      await this.panels.deletePanel(actor.tenantId, panel.id);
      await this.audit.record({
        action: 'room.panel.delete', resourceType: 'dashboard-panel', resourceId: panel.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, name: panel.name, layout: panel.layout },
      });
    });
  }

  /** The room, which must be a DASHBOARD room (409 `not-a-dashboard-room` otherwise). */
  private async dashboard(actor: RoomActor, roomId: string, permission: RoomPermission): Promise<RoomEntity> {
    const { room } = await this.access.require(actor, roomId, permission);
    if (room.type !== 'DASHBOARD') throw AppException.conflict('Panels exist only in DASHBOARD rooms.', 'not-a-dashboard-room');
    return room;
  }
}
