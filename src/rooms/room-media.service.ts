import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SecretBox } from '../common/crypto/crypto';
import { transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, pageByCreatedAt, toPage } from '../common/pagination/pagination';
import { CreateStreamingTargetDto, PutSipConfigDto, RoomSipConfigDto, StreamingTargetDto, UpdateStreamingTargetDto } from './dto/room-extras.dto';
import { RoomSipConfigEntity, RoomStreamingTargetEntity } from './entities/room-extras.entity';
import { RoomAccess, RoomActor } from './room-access';
import { toSipConfigDto, toStreamingTargetDto } from './room-extras.mapper';

const isUniqueViolation = (err: unknown): boolean => err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';

/** What the audit log keeps of a streaming target: never the key. */
const targetAuditState = (t: RoomStreamingTargetEntity) => ({ roomId: t.roomId, name: t.name, kind: t.kind, ingestUrl: t.streamingEndpoint, publicUrl: t.publicUrl });

/** A room's SIP dial-in and streaming targets (issue 4 item 6). Secrets are sealed with SecretBox. */
@Injectable()
export class RoomMediaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
  ) {}

  // ---- SIP -----------------------------------------------------------------------------------

  async getSip(actor: RoomActor, roomId: string): Promise<RoomSipConfigDto> {
    const { room, membership } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const config = await this.dataSource.manager.findOneBy(RoomSipConfigEntity, { tenantId: actor.tenantId, roomId: room.id });
    if (!config) throw AppException.notFound('SIP configuration');
    return toSipConfigDto(config, this.secrets, this.access.can(membership, 'manage-sip'));
  }

  async putSip(actor: RoomActor, roomId: string, dto: PutSipConfigDto): Promise<RoomSipConfigDto> {
    try {
      return await transaction(this.dataSource, async (tx) => {
        const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-sip', { lock: true });
        const existing = await tx.manager.findOneBy(RoomSipConfigEntity, { tenantId: actor.tenantId, roomId: room.id });
        const before = existing ? { dialInNumberId: existing.sipId, lobby: existing.enableLobby } : null;
        const config = existing ?? tx.manager.create(RoomSipConfigEntity, { tenantId: actor.tenantId, roomId: room.id });
        config.sipId = dto.dialInNumberId;
        config.passwordEnc = this.secrets.encrypt(dto.pin);
        config.enableLobby = dto.lobby;
        const saved = await tx.manager.save(config);
        await this.audit.record(tx.manager, {
          action: existing ? 'room.sip.update' : 'room.sip.create', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
          oldValue: before, newValue: { dialInNumberId: saved.sipId, lobby: saved.enableLobby, pinChanged: true },
        });
        return toSipConfigDto(saved, this.secrets, true);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw AppException.conflict('This dial-in number id is used by another room.', 'dial-in-number-taken');
      throw err;
    }
  }

  async deleteSip(actor: RoomActor, roomId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-sip', { lock: true });
      const existing = await tx.manager.findOneBy(RoomSipConfigEntity, { tenantId: actor.tenantId, roomId: room.id });
      if (!existing) throw AppException.notFound('SIP configuration');
      await tx.manager.delete(RoomSipConfigEntity, { id: existing.id });
      await this.audit.record(tx.manager, {
        action: 'room.sip.delete', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { dialInNumberId: existing.sipId, lobby: existing.enableLobby },
      });
    });
  }

  // ---- streaming targets ---------------------------------------------------------------------

  async listTargets(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<StreamingTargetDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const qb = this.dataSource.manager.createQueryBuilder(RoomStreamingTargetEntity, 's').where('s.tenant_id = :tenantId AND s.room_id = :roomId', { tenantId: actor.tenantId, roomId: room.id });
    return toPage(await pageByCreatedAt(qb, 's', query).getMany(), query.limit, (s) => toStreamingTargetDto(s, this.secrets), createdAtCursor);
  }

  async createTarget(actor: RoomActor, roomId: string, dto: CreateStreamingTargetDto): Promise<StreamingTargetDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-streaming');
      const saved = await tx.manager.save(tx.manager.create(RoomStreamingTargetEntity, {
        tenantId: actor.tenantId, roomId: room.id, name: dto.name, kind: dto.kind, streamingEndpoint: dto.ingestUrl,
        streamKeyEnc: this.secrets.encrypt(dto.streamKey), publicUrl: dto.publicUrl ?? null,
      }));
      await this.audit.record(tx.manager, {
        action: 'room.streaming-target.create', resourceType: 'room-streaming-target', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: targetAuditState(saved),
      });
      return toStreamingTargetDto(saved, this.secrets);
    });
  }

  async updateTarget(actor: RoomActor, roomId: string, targetId: string, dto: UpdateStreamingTargetDto): Promise<StreamingTargetDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-streaming');
      const target = await this.findTarget(tx.manager, actor, room.id, targetId);
      const before = targetAuditState(target);
      if (dto.name !== undefined) target.name = dto.name;
      if (dto.kind !== undefined) target.kind = dto.kind;
      if (dto.ingestUrl !== undefined) target.streamingEndpoint = dto.ingestUrl;
      if (dto.streamKey !== undefined) target.streamKeyEnc = this.secrets.encrypt(dto.streamKey);
      if (dto.publicUrl !== undefined) target.publicUrl = dto.publicUrl;
      const saved = await tx.manager.save(target);
      await this.audit.record(tx.manager, {
        action: 'room.streaming-target.update', resourceType: 'room-streaming-target', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: before, newValue: { ...targetAuditState(saved), streamKeyChanged: dto.streamKey !== undefined },
      });
      return toStreamingTargetDto(saved, this.secrets);
    });
  }

  async deleteTarget(actor: RoomActor, roomId: string, targetId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-streaming');
      const target = await this.findTarget(tx.manager, actor, room.id, targetId);
      await tx.manager.delete(RoomStreamingTargetEntity, { id: target.id });
      await this.audit.record(tx.manager, {
        action: 'room.streaming-target.delete', resourceType: 'room-streaming-target', resourceId: target.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: targetAuditState(target),
      });
    });
  }

  private async findTarget(manager: DataSource['manager'], actor: RoomActor, roomId: string, id: string): Promise<RoomStreamingTargetEntity> {
    const target = await manager.findOne(RoomStreamingTargetEntity, { where: { tenantId: actor.tenantId, roomId, id }, lock: { mode: 'pessimistic_write' } });
    if (!target) throw AppException.notFound('Streaming target');
    return target;
  }
}
