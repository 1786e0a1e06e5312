import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { uuidParam } from '../../common/http/uuid-param';
import { JSON_PATCH_CONTENT_TYPE } from '../../common/json-patch/json-patch.content-type';
import { JsonPatchOperationDto } from '../../common/json-patch/json-patch.dto';
import { Page, PageOf } from '../../common/pagination/pagination';
import { CreateModuleResourceDto, ModuleResourceDto, ModuleResourceQueryDto } from './module-resource.dto';
import { ModuleResourcesService } from './module-resources.service';

const ModuleResourcePage = PageOf(ModuleResourceDto);

@ApiTags('rooms')
@Controller('rooms/:id/module-resources')
export class ModuleResourcesController {
  constructor(private readonly resources: ModuleResourcesService) {}

  @Get()
  @Endpoint({ summary: 'List module resources (filter by namespace and tag)', access: ['rooms', 'read'], ok: ModuleResourcePage, problems: [404] })
  listRoomModuleResources(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: ModuleResourceQueryDto): Promise<Page<ModuleResourceDto>> {
    return this.resources.list(p, id, query);
  }

  @Post()
  @Endpoint({ summary: 'Store a module resource (members)', access: ['rooms', 'update'], created: ModuleResourceDto, problems: [404] })
  createRoomModuleResource(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateModuleResourceDto): Promise<ModuleResourceDto> {
    return this.resources.create(p, id, dto);
  }

  @Get(':resourceId')
  @Endpoint({ summary: 'Get a module resource', access: ['rooms', 'read'], ok: ModuleResourceDto, problems: [404] })
  getRoomModuleResource(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('resourceId', uuidParam('resourceId')) resourceId: string): Promise<ModuleResourceDto> {
    return this.resources.get(p, id, resourceId);
  }

  @Patch(':resourceId')
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
    return this.resources.patch(p, id, resourceId, body);
  }

  @Delete(':resourceId')
  @Endpoint({ summary: 'Delete a module resource (members)', access: ['rooms', 'update'], noContent: 'Deleted', problems: [404] })
  deleteRoomModuleResource(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('resourceId', uuidParam('resourceId')) resourceId: string): Promise<void> {
    return this.resources.remove(p, id, resourceId);
  }
}
