import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SecretBox } from '../common/crypto/crypto';
import { transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../common/pagination/pagination';
import { CreateStreamingTargetDto, PutSipConfigDto, RoomSipConfigDto, StreamingTargetDto, UpdateStreamingTargetDto } from './dto/room-extras.dto';
import { RoomStreamingTargetEntity } from './entities/room-extras.entity';
import { RoomAccess, RoomActor } from './room-access';
import { toSipConfigDto, toStreamingTargetDto } from './room-extras.mapper';
import { RoomMediaRepository } from './room-media.repository';

const isUniqueViolation = (err: unknown): boolean => err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';

/** What the audit log keeps of a streaming target: never the key. */
const targetAuditState = (t: RoomStreamingTargetEntity) => ({ roomId: t.roomId, name: t.name, kind: t.kind, ingestUrl: t.streamingEndpoint, publicUrl: t.publicUrl });

/** A room's SIP dial-in and streaming targets (issue 4 item 6). Secrets are sealed with SecretBox. */
@Injectable()
export class RoomMediaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly media: RoomMediaRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
  ) {}

  // ---- SIP -----------------------------------------------------------------------------------

  async getSip(actor: RoomActor, roomId: string): Promise<RoomSipConfigDto> {
    const { room, membership } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const config = await this.media.findSipConfig(this.dataSource.manager, actor.tenantId, room.id);
    if (!config) throw AppException.notFound('SIP configuration');
    return toSipConfigDto(config, this.secrets, this.access.can(membership, 'manage-sip'));
  }

  async putSip(actor: RoomActor, roomId: string, dto: PutSipConfigDto): Promise<RoomSipConfigDto> {
    try {
      return await transaction(this.dataSource, async (tx) => {
        const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-sip', { lock: true });
        const existing = await this.media.findSipConfig(tx.manager, actor.tenantId, room.id);
        const before = existing ? { dialInNumberId: existing.sipId, lobby: existing.enableLobby } : null;
        const saved = await this.media.saveSipConfig(tx.manager, {
          ...(existing ?? { tenantId: actor.tenantId, roomId: room.id }), sipId: dto.dialInNumberId, passwordEnc: this.secrets.encrypt(dto.pin), enableLobby: dto.lobby,
        });
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
      const existing = await this.media.findSipConfig(tx.manager, actor.tenantId, room.id);
      if (!existing) throw AppException.notFound('SIP configuration');
      await this.media.deleteSipConfig(tx.manager, actor.tenantId, existing.id);
      await this.audit.record(tx.manager, {
        action: 'room.sip.delete', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { dialInNumberId: existing.sipId, lobby: existing.enableLobby },
      });
    });
  }

  // ---- streaming targets ---------------------------------------------------------------------

  async listTargets(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<StreamingTargetDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const rows = await this.media.findStreamingTargetsPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, (s) => toStreamingTargetDto(s, this.secrets), createdAtCursor);
  }

  async createTarget(actor: RoomActor, roomId: string, dto: CreateStreamingTargetDto): Promise<StreamingTargetDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-streaming');
      const saved = await this.media.insertStreamingTarget(tx.manager, {
        tenantId: actor.tenantId, roomId: room.id, name: dto.name, kind: dto.kind, streamingEndpoint: dto.ingestUrl,
        streamKeyEnc: this.secrets.encrypt(dto.streamKey), publicUrl: dto.publicUrl ?? null,
      });
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
      const saved = await this.media.saveStreamingTarget(tx.manager, target);
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
      await this.media.deleteStreamingTarget(tx.manager, actor.tenantId, target.id);
      await this.audit.record(tx.manager, {
        action: 'room.streaming-target.delete', resourceType: 'room-streaming-target', resourceId: target.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: targetAuditState(target),
      });
    });
  }

  private async findTarget(manager: EntityManager, actor: RoomActor, roomId: string, id: string): Promise<RoomStreamingTargetEntity> {
    const target = await this.media.findStreamingTarget(manager, actor.tenantId, roomId, id, true);
    if (!target) throw AppException.notFound('Streaming target');
    return target;
  }
}
