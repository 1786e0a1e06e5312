import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { SecretBox } from '../../common/crypto/crypto';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { RoomAccess, RoomActor } from '../core/room-access';
import { RoomStreamingTargetEntity } from './room-streaming-target.entity';
import { CreateStreamingTargetDto, StreamingTargetDto, UpdateStreamingTargetDto } from './streaming-target.dto';
import { targetAuditState, toStreamingTargetDto } from './streaming-targets.mapper';
import { StreamingTargetsRepository } from './streaming-targets.repository';

/** A room's streaming targets. Stream keys are sealed with SecretBox and only ever shown masked. */
@Injectable()
export class StreamingTargetsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly targets: StreamingTargetsRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<StreamingTargetDto>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const rows = await this.targets.findStreamingTargetsPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, (s) => toStreamingTargetDto(s, this.secrets), createdAtCursor);
  }

  async create(actor: RoomActor, roomId: string, dto: CreateStreamingTargetDto): Promise<StreamingTargetDto> {
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'manage-streaming');
      const saved = await this.targets.insertStreamingTarget({
        tenantId: actor.tenantId, roomId: room.id, name: dto.name, kind: dto.kind, streamingEndpoint: dto.ingestUrl,
        streamKeyEnc: this.secrets.encrypt(dto.streamKey), publicUrl: dto.publicUrl ?? null,
      });
      await this.audit.record({
        action: 'room.streaming-target.create', resourceType: 'room-streaming-target', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: targetAuditState(saved),
      });
      return toStreamingTargetDto(saved, this.secrets);
    });
  }

  async update(actor: RoomActor, roomId: string, targetId: string, dto: UpdateStreamingTargetDto): Promise<StreamingTargetDto> {
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'manage-streaming');
      const target = await this.lockTarget(actor, room.id, targetId);
      const before = targetAuditState(target);
      if (dto.name !== undefined) target.name = dto.name;
      if (dto.kind !== undefined) target.kind = dto.kind;
      if (dto.ingestUrl !== undefined) target.streamingEndpoint = dto.ingestUrl;
      if (dto.streamKey !== undefined) target.streamKeyEnc = this.secrets.encrypt(dto.streamKey);
      if (dto.publicUrl !== undefined) target.publicUrl = dto.publicUrl;
      const saved = await this.targets.updateStreamingTarget(target);
      await this.audit.record({
        action: 'room.streaming-target.update', resourceType: 'room-streaming-target', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: before, newValue: { ...targetAuditState(saved), streamKeyChanged: dto.streamKey !== undefined },
      });
      return toStreamingTargetDto(saved, this.secrets);
    });
  }

  async remove(actor: RoomActor, roomId: string, targetId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'manage-streaming');
      const target = await this.lockTarget(actor, room.id, targetId);
      await this.targets.deleteStreamingTarget(actor.tenantId, target.id);
      await this.audit.record({
        action: 'room.streaming-target.delete', resourceType: 'room-streaming-target', resourceId: target.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: targetAuditState(target),
      });
    });
  }

  private async lockTarget(actor: RoomActor, roomId: string, id: string): Promise<RoomStreamingTargetEntity> {
    const target = await this.targets.findStreamingTarget(actor.tenantId, roomId, id, true);
    if (!target) throw AppException.notFound('Streaming target');
    return target;
  }
}
