import { Body, Controller, Delete, Get, Injectable, OnModuleInit, Param, Patch, Post, Query } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { uuidParam } from '../common/http/uuid-param';
import { PageOf, PageQueryDto } from '../common/pagination/pagination';
import { CreateModuleResourceDto, CreatePanelDto, DashboardPanelDto, JsonPatchOperationDto, ModuleResourceDto, ModuleResourceQueryDto, UpdatePanelDto } from './dto/room-extras.dto';
import { RoomContentService } from './room-content.service';
import { Endpoint } from '../common/http/endpoint.decorator';

export const JSON_PATCH_CONTENT_TYPE = 'application/json-patch+json';

/**
 * Lets Fastify accept `application/json-patch+json` bodies (parsed as JSON), registered from the
 * rooms module at start-up, before the server listens.
 */
@Injectable()
export class JsonPatchContentType implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addContentTypeParser !== 'function' || fastify.hasContentTypeParser(JSON_PATCH_CONTENT_TYPE)) return;
    fastify.addContentTypeParser(JSON_PATCH_CONTENT_TYPE, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(AppException.invalidField('body', 'the body is not valid JSON', 'invalidJson'), undefined);
      }
    });
  }
}

const DashboardPanelPage = PageOf(DashboardPanelDto);
const ModuleResourcePage = PageOf(ModuleResourceDto);

@ApiTags('rooms')
@Controller('rooms/:id')
export class RoomContentController {
  constructor(private readonly content: RoomContentService) {}

  @Get('panels')
  @Endpoint({ summary: 'List the panels of a DASHBOARD room', access: ['rooms', 'read'], ok: DashboardPanelPage, problems: [404, 409] })
  listRoomPanels(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    return this.content.listPanels(p, id, query);
  }

  @Post('panels')
  @Endpoint({ summary: 'Add a panel to a DASHBOARD room (members)', access: ['rooms', 'update'], created: DashboardPanelDto, problems: [404, 409] })
  createRoomPanel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreatePanelDto): Promise<DashboardPanelDto> {
    return this.content.createPanel(p, id, dto);
  }

  @Patch('panels/:panelId')
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
    return this.content.updatePanel(p, id, panelId, dto);
  }

  @Delete('panels/:panelId')
  @Endpoint({ summary: 'Remove a panel (members)', access: ['rooms', 'update'], noContent: 'Removed', problems: [404, 409] })
  deleteRoomPanel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('panelId', uuidParam('panelId')) panelId: string): Promise<void> {
    return this.content.deletePanel(p, id, panelId);
  }

  @Get('module-resources')
  @Endpoint({ summary: 'List module resources (filter by namespace and tag)', access: ['rooms', 'read'], ok: ModuleResourcePage, problems: [404] })
  listRoomModuleResources(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: ModuleResourceQueryDto) {
    return this.content.listResources(p, id, query);
  }

  @Post('module-resources')
  @Endpoint({ summary: 'Store a module resource (members)', access: ['rooms', 'update'], created: ModuleResourceDto, problems: [404] })
  createRoomModuleResource(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateModuleResourceDto): Promise<ModuleResourceDto> {
    return this.content.createResource(p, id, dto);
  }

  @Get('module-resources/:resourceId')
  @Endpoint({ summary: 'Get a module resource', access: ['rooms', 'read'], ok: ModuleResourceDto, problems: [404] })
  getRoomModuleResource(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('resourceId', uuidParam('resourceId')) resourceId: string): Promise<ModuleResourceDto> {
    return this.content.getResource(p, id, resourceId);
  }

  @Patch('module-resources/:resourceId')
  @Endpoint({
    summary: 'Change `data` with a JSON Patch (RFC 6902), all or nothing (members)',
    access: ['rooms', 'update'],
    ok: ModuleResourceDto,
    problems: [404, 422],
  })
  @ApiConsumes(JSON_PATCH_CONTENT_TYPE, 'application/json')
  @ApiBody({ type: [JsonPatchOperationDto] })
  patchRoomModuleResource(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('resourceId', uuidParam('resourceId')) resourceId: string,
    @Body() body: unknown[],
  ): Promise<ModuleResourceDto> {
    return this.content.patchResource(p, id, resourceId, body);
  }

  @Delete('module-resources/:resourceId')
  @Endpoint({ summary: 'Delete a module resource (members)', access: ['rooms', 'update'], noContent: 'Deleted', problems: [404] })
  deleteRoomModuleResource(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('resourceId', uuidParam('resourceId')) resourceId: string): Promise<void> {
    return this.content.deleteResource(p, id, resourceId);
  }
}
