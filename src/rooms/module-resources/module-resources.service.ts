import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { applyJsonPatch, patchSummary } from '../../common/json-patch/json-patch';
import { assertJsonSize } from '../../common/json-patch/json-size';
import { Page, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { RoomAccess, RoomActor } from '../core/room-access';
import { CreateModuleResourceDto, MODULE_DATA_MAX_BYTES, ModuleResourceDto, ModuleResourceQueryDto } from './module-resource.dto';
import { ModuleResourceEntity } from './module-resource.entity';
import { toModuleResourceDto } from './module-resources.mapper';
import { ModuleResourcesRepository } from './module-resources.repository';

/** Module resources of a room: JSON state of room modules (a whiteboard, a poll), edited by members with JSON Patch. */
@Injectable()
export class ModuleResourcesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly resources: ModuleResourcesRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: ModuleResourceQueryDto): Promise<Page<ModuleResourceDto>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const rows = await this.resources.findModuleResourcesPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toModuleResourceDto, createdAtCursor);
  }

  async get(actor: RoomActor, roomId: string, resourceId: string): Promise<ModuleResourceDto> {
    const { room } = await this.access.require(actor, roomId, 'read');
    return toModuleResourceDto(await this.findResource(actor, room.id, resourceId, false));
  }

  async create(actor: RoomActor, roomId: string, dto: CreateModuleResourceDto): Promise<ModuleResourceDto> {
    assertJsonSize('data', dto.data, MODULE_DATA_MAX_BYTES);
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'edit-module-resources');
      const saved = await this.resources.insertModuleResource({
        tenantId: actor.tenantId, roomId: room.id, createdBy: actor.userId, namespace: dto.namespace, tag: dto.tag ?? null, data: dto.data,
      });
      await this.audit.record({
        action: 'room.module-resource.create', resourceType: 'module-resource', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, namespace: saved.namespace, tag: saved.tag },
      });
      return toModuleResourceDto(saved);
    });
  }

  /** Applies a JSON Patch to `data`, under a row lock, all or nothing. */
  async patch(actor: RoomActor, roomId: string, resourceId: string, body: unknown): Promise<ModuleResourceDto> {
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'edit-module-resources');
      const resource = await this.findResource(actor, room.id, resourceId, true);
      const data = applyJsonPatch(resource.data, body);
      assertJsonSize('data', data, MODULE_DATA_MAX_BYTES);
      resource.data = data;
      const saved = await this.resources.updateModuleResource(resource);
      await this.audit.record({
        action: 'room.module-resource.patch', resourceType: 'module-resource', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, operations: patchSummary(body) },
      });
      return toModuleResourceDto(saved);
    });
  }

  async remove(actor: RoomActor, roomId: string, resourceId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'edit-module-resources');
      const resource = await this.findResource(actor, room.id, resourceId, true);
      await this.resources.deleteModuleResource(actor.tenantId, resource.id);
      await this.audit.record({
        action: 'room.module-resource.delete', resourceType: 'module-resource', resourceId: resource.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, namespace: resource.namespace, tag: resource.tag },
      });
    });
  }

  private async findResource(actor: RoomActor, roomId: string, id: string, lock: boolean): Promise<ModuleResourceEntity> {
    const found = await this.resources.findModuleResource(actor.tenantId, roomId, id, lock);
    if (!found) throw AppException.notFound('Module resource');
    return found;
  }
}
