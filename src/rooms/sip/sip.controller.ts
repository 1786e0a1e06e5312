import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { uuidParam } from '../../common/http/uuid-param';
import { PutSipConfigDto, RoomSipConfigDto } from './sip-config.dto';
import { RoomSipService } from './sip.service';

@ApiTags('rooms')
@Controller('rooms/:id/sip')
export class RoomSipController {
  constructor(private readonly sip: RoomSipService) {}

  @Get()
  @Endpoint({
    summary: "The room's SIP dial-in (members; the PIN in full for moderators and the owner, masked otherwise)",
    access: ['rooms', 'read'],
    ok: RoomSipConfigDto,
    problems: [404],
  })
  getRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<RoomSipConfigDto> {
    return this.sip.get(p, id);
  }

  @Put()
  @Endpoint({
    summary: "Set the room's SIP dial-in (moderators and the owner)",
    access: ['rooms', 'update'],
    ok: RoomSipConfigDto,
    problems: [404, 409],
  })
  putRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: PutSipConfigDto): Promise<RoomSipConfigDto> {
    return this.sip.put(p, id, dto);
  }

  @Delete()
  @Endpoint({
    summary: "Remove the room's SIP dial-in (moderators and the owner)",
    access: ['rooms', 'update'],
    noContent: 'Removed',
    problems: [404],
  })
  deleteRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.sip.remove(p, id);
  }
}
