import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { SecretBox } from '../../common/crypto/crypto';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { RoomAccess, RoomActor } from '../core/room-access';
import { PutSipConfigDto, RoomSipConfigDto } from './sip-config.dto';
import { sipAuditState, toSipConfigDto } from './sip.mapper';
import { RoomSipRepository } from './sip.repository';

const isUniqueViolation = (err: unknown): boolean => err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';

/** A room's SIP dial-in. The PIN is sealed with SecretBox: moderators and the owner see it again. */
@Injectable()
export class RoomSipService {
  constructor(
    private readonly transactions: Transactions,
    private readonly sip: RoomSipRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
  ) {}

  async get(actor: RoomActor, roomId: string): Promise<RoomSipConfigDto> {
    const { room, membership } = await this.access.require(actor, roomId, 'read');
    const config = await this.sip.findSipConfig(actor.tenantId, room.id);
    if (!config) throw AppException.notFound('SIP configuration');
    return toSipConfigDto(config, this.secrets, this.access.can(membership, 'manage-sip'));
  }

  async put(actor: RoomActor, roomId: string, dto: PutSipConfigDto): Promise<RoomSipConfigDto> {
    try {
      return await this.transactions.run(async () => {
        const { room } = await this.access.require(actor, roomId, 'manage-sip', { lock: true });
        const existing = await this.sip.findSipConfig(actor.tenantId, room.id);
        const before = existing ? sipAuditState(existing) : null;
        const values = { sipId: dto.dialInNumberId, passwordEnc: this.secrets.encrypt(dto.pin), enableLobby: dto.lobby };
        const saved = existing
          ? await this.sip.updateSipConfig(Object.assign(existing, values))
          : await this.sip.insertSipConfig({ tenantId: actor.tenantId, roomId: room.id, ...values });
        await this.audit.record({
          action: existing ? 'room.sip.update' : 'room.sip.create', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
          oldValue: before, newValue: { ...sipAuditState(saved), pinChanged: true },
        });
        return toSipConfigDto(saved, this.secrets, true);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw AppException.conflict('This dial-in number id is used by another room.', 'dial-in-number-taken');
      throw err;
    }
  }

  async remove(actor: RoomActor, roomId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'manage-sip', { lock: true });
      const existing = await this.sip.findSipConfig(actor.tenantId, room.id);
      if (!existing) throw AppException.notFound('SIP configuration');
      await this.sip.deleteSipConfig(actor.tenantId, existing.id);
      await this.audit.record({
        action: 'room.sip.delete', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: sipAuditState(existing),
      });
    });
  }
}
