import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { uuidParam } from '../../common/http/uuid-param';
import { Page, PageOf, PageQueryDto } from '../../common/pagination/pagination';
import { CreatePanelDto, DashboardPanelDto, UpdatePanelDto } from './dashboard-panel.dto';
import { DashboardPanelsService } from './dashboard-panels.service';

const DashboardPanelPage = PageOf(DashboardPanelDto);

@ApiTags('rooms')
@Controller('rooms/:id/panels')
export class DashboardPanelsController {
  constructor(private readonly panels: DashboardPanelsService) {}

  @Get()
  @Endpoint({ summary: 'List the panels of a DASHBOARD room', access: ['rooms', 'read'], ok: DashboardPanelPage, problems: [404, 409] })
  listRoomPanels(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto): Promise<Page<DashboardPanelDto>> {
    return this.panels.list(p, id, query);
  }

  @Post()
  @Endpoint({ summary: 'Add a panel to a DASHBOARD room (members)', access: ['rooms', 'update'], created: DashboardPanelDto, problems: [404, 409] })
  createRoomPanel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreatePanelDto): Promise<DashboardPanelDto> {
    return this.panels.create(p, id, dto);
  }

  @Patch(':panelId')
  @Endpoint({
    summary: 'Change a panel (members); `config` is replaced as a whole',
    access: ['rooms', 'update'],
    ok: DashboardPanelDto,
    problems: [404, 409],
  })
  updateRoomPanel(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('panelId', uuidParam('panelId')) panelId: string,
    @Body() dto: UpdatePanelDto,
  ): Promise<DashboardPanelDto> {
    return this.panels.update(p, id, panelId, dto);
  }

  @Delete(':panelId')
  @Endpoint({ summary: 'Remove a panel (members)', access: ['rooms', 'update'], noContent: 'Removed', problems: [404, 409] })
  deleteRoomPanel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('panelId', uuidParam('panelId')) panelId: string): Promise<void> {
    return this.panels.remove(p, id, panelId);
  }
}
