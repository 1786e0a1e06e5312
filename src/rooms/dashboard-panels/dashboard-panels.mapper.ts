import { DashboardPanelDto } from './dashboard-panel.dto';
import { DashboardPanelEntity } from './dashboard-panel.entity';

export function toPanelDto(p: DashboardPanelEntity): DashboardPanelDto {
  return { id: p.id, roomId: p.roomId, name: p.name, layout: p.layout, config: p.config, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() };
}
