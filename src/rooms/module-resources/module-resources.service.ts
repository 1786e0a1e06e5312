import { Injectable } from '@nestjs/common';
import { JsonPatchError, Operation, applyPatch, validate as validatePatch } from 'fast-json-patch';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, createdAtCursor, toPage, PageQueryDto } from '../common/pagination/pagination';
import {
  CreateModuleResourceDto, CreatePanelDto, DashboardPanelDto, JSON_PATCH_OPS, MODULE_DATA_MAX_BYTES, ModuleResourceDto, ModuleResourceQueryDto,
  PANEL_CONFIG_MAX_BYTES, UpdatePanelDto,
} from './dto/room-extras.dto';
import { ModuleResourceEntity } from './entities/room-extras.entity';
import { RoomEntity } from './entities/room.entity';
import { RoomAccess, RoomActor, RoomPermission } from './room-access';
import { RoomContentRepository } from './room-content.repository';
import { jsonBytes, toModuleResourceDto, toPanelDto } from './room-extras.mapper';

/** The most operations one JSON Patch may carry. */
export const JSON_PATCH_MAX_OPS = 100;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkConfigSize(field: string, value: Record<string, unknown>, max: number): void {
  if (jsonBytes(value) > max) throw AppException.invalidField(field, `${field} must be at most ${max} bytes of JSON`, 'tooLarge');
}

/**
 * Checks the shape of a JSON Patch body (RFC 6902) and applies it to a copy of `doc`. Bad
 * operations and unresolvable paths are a 400 naming the operation (`[i].path`); a failed `test`
 * is a 422 `patch-test-failed`. Nothing is changed on failure.
 */
export function applyJsonPatch(doc: Record<string, unknown>, body: unknown): Record<string, unknown> {
  if (!Array.isArray(body)) throw AppException.invalidField('body', 'the body must be a JSON Patch: an array of operations', 'isArray');
  if (body.length > JSON_PATCH_MAX_OPS) throw AppException.invalidField('body', `at most ${JSON_PATCH_MAX_OPS} operations`, 'tooMany');
  body.forEach((op: unknown, i) => {
    if (!isPlainObject(op)) throw AppException.invalidField(`[${i}]`, 'an operation must be an object', 'isObject');
    if (!JSON_PATCH_OPS.includes(op.op as never)) throw AppException.invalidField(`[${i}].op`, `op must be one of ${JSON_PATCH_OPS.join(', ')}`, 'isIn');
    const allowed = new Set(['op', 'path', 'value', 'from']);
    const unknown = Object.keys(op).find((k) => !allowed.has(k));
    if (unknown) throw AppException.invalidField(`[${i}].${unknown}`, `property ${unknown} should not exist`, 'whitelistValidation');
  });
  const ops = body as Operation[];
  const error = validatePatch(ops, doc);
  if (error) throw patchProblem(error);
  let result: unknown;
  try {
    result = applyPatch(doc, ops, true, false).newDocument;
  } catch (err) {
    if (err instanceof JsonPatchError) throw patchProblem(err);
    throw err;
  }
  if (!isPlainObject(result)) throw AppException.invalidField('body', 'the patched data must stay a JSON object', 'isObject');
  return result;
}

function patchProblem(err: InstanceType<typeof JsonPatchError>): AppException {
  if (err.name === 'TEST_OPERATION_FAILED') return AppException.unprocessable(`Operation ${err.index ?? 0} (test) failed: nothing was changed.`, 'patch-test-failed');
  const field = err.index === undefined ? 'body' : `[${err.index}].${/FROM/.test(err.name) ? 'from' : /VALUE/.test(err.name) ? 'value' : /OP_INVALID/.test(err.name) ? 'op' : 'path'}`;
  return AppException.invalidField(field, err.message.split('\n')[0], err.name);
}

/** Dashboard panels and module resources of a room (issue 4 item 6): JSON content edited by members. */
@Injectable()
export class RoomContentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly content: RoomContentRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
  ) {}

  // ---- dashboard panels ----------------------------------------------------------------------

  async listPanels(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<DashboardPanelDto>> {
    const room = await this.dashboard(this.dataSource.manager, actor, roomId, 'read');
    const rows = await this.content.findPanelsPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toPanelDto, createdAtCursor);
  }

  async createPanel(actor: RoomActor, roomId: string, dto: CreatePanelDto): Promise<DashboardPanelDto> {
    const config = dto.config ?? {};
    checkConfigSize('config', config, PANEL_CONFIG_MAX_BYTES);
    return transaction(this.dataSource, async (tx) => {
      const room = await this.dashboard(tx.manager, actor, roomId, 'edit-panels');
      const layout = { x: dto.layout.x, y: dto.layout.y, w: dto.layout.w, h: dto.layout.h };
      const saved = await this.content.insertPanel(tx.manager, { tenantId: actor.tenantId, roomId: room.id, name: dto.name, layout, config });
      await this.audit.record(tx.manager, {
        action: 'room.panel.create', resourceType: 'dashboard-panel', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, name: saved.name, layout },
      });
      return toPanelDto(saved);
    });
  }

  async updatePanel(actor: RoomActor, roomId: string, panelId: string, dto: UpdatePanelDto): Promise<DashboardPanelDto> {
    if (dto.config) checkConfigSize('config', dto.config, PANEL_CONFIG_MAX_BYTES);
    return transaction(this.dataSource, async (tx) => {
      const room = await this.dashboard(tx.manager, actor, roomId, 'edit-panels');
      const panel = await this.content.findPanel(tx.manager, actor.tenantId, room.id, panelId, true);
      if (!panel) throw AppException.notFound('Panel');
      const before = { name: panel.name, layout: panel.layout };
      if (dto.name !== undefined) panel.name = dto.name;
      if (dto.layout) panel.layout = { x: dto.layout.x, y: dto.layout.y, w: dto.layout.w, h: dto.layout.h };
      if (dto.config) panel.config = dto.config;
      const saved = await this.content.savePanel(tx.manager, panel);
      await this.audit.record(tx.manager, {
        action: 'room.panel.update', resourceType: 'dashboard-panel', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: before, newValue: { name: saved.name, layout: saved.layout, configChanged: dto.config !== undefined },
      });
      return toPanelDto(saved);
    });
  }

  async deletePanel(actor: RoomActor, roomId: string, panelId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const room = await this.dashboard(tx.manager, actor, roomId, 'edit-panels');
      const panel = await this.content.findPanel(tx.manager, actor.tenantId, room.id, panelId);
      if (!panel) throw AppException.notFound('Panel');
      await this.content.deletePanel(tx.manager, actor.tenantId, panel.id);
      await this.audit.record(tx.manager, {
        action: 'room.panel.delete', resourceType: 'dashboard-panel', resourceId: panel.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, name: panel.name, layout: panel.layout },
      });
    });
  }

  /** The room, which must be a DASHBOARD room (409 `not-a-dashboard-room` otherwise). */
  private async dashboard(manager: EntityManager, actor: RoomActor, roomId: string, permission: RoomPermission): Promise<RoomEntity> {
    const { room } = await this.access.require(manager, actor, roomId, permission);
    if (room.type !== 'DASHBOARD') throw AppException.conflict('Panels exist only in DASHBOARD rooms.', 'not-a-dashboard-room');
    return room;
  }

  // ---- module resources ----------------------------------------------------------------------

  async listResources(actor: RoomActor, roomId: string, query: ModuleResourceQueryDto): Promise<Page<ModuleResourceDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const rows = await this.content.findModuleResourcesPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toModuleResourceDto, createdAtCursor);
  }

  async getResource(actor: RoomActor, roomId: string, resourceId: string): Promise<ModuleResourceDto> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    return toModuleResourceDto(await this.findResource(this.dataSource.manager, actor, room.id, resourceId, false));
  }

  async createResource(actor: RoomActor, roomId: string, dto: CreateModuleResourceDto): Promise<ModuleResourceDto> {
    checkConfigSize('data', dto.data, MODULE_DATA_MAX_BYTES);
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'edit-module-resources');
      const saved = await this.content.insertModuleResource(tx.manager, {
        tenantId: actor.tenantId, roomId: room.id, createdBy: actor.userId, namespace: dto.namespace, tag: dto.tag ?? null, data: dto.data,
      });
      await this.audit.record(tx.manager, {
        action: 'room.module-resource.create', resourceType: 'module-resource', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, namespace: saved.namespace, tag: saved.tag },
      });
      return toModuleResourceDto(saved);
    });
  }

  /** Applies a JSON Patch to `data`, under a row lock, all or nothing. */
  async patchResource(actor: RoomActor, roomId: string, resourceId: string, body: unknown): Promise<ModuleResourceDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'edit-module-resources');
      const resource = await this.findResource(tx.manager, actor, room.id, resourceId, true);
      const data = applyJsonPatch(resource.data, body);
      checkConfigSize('data', data, MODULE_DATA_MAX_BYTES);
      resource.data = data;
      const saved = await this.content.saveModuleResource(tx.manager, resource);
      await this.audit.record(tx.manager, {
        action: 'room.module-resource.patch', resourceType: 'module-resource', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, operations: (body as Array<{ op: string; path: string }>).map((o) => ({ op: o.op, path: o.path })) },
      });
      return toModuleResourceDto(saved);
    });
  }

  async deleteResource(actor: RoomActor, roomId: string, resourceId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'edit-module-resources');
      const resource = await this.findResource(tx.manager, actor, room.id, resourceId, true);
      await this.content.deleteModuleResource(tx.manager, actor.tenantId, resource.id);
      await this.audit.record(tx.manager, {
        action: 'room.module-resource.delete', resourceType: 'module-resource', resourceId: resource.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, namespace: resource.namespace, tag: resource.tag },
      });
    });
  }

  private async findResource(manager: EntityManager, actor: RoomActor, roomId: string, id: string, lock: boolean): Promise<ModuleResourceEntity> {
    const found = await this.content.findModuleResource(manager, actor.tenantId, roomId, id, lock);
    if (!found) throw AppException.notFound('Module resource');
    return found;
  }
}
