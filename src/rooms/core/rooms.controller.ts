import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { uuidParam } from '../../common/http/uuid-param';
import { Page, PageOf } from '../../common/pagination/pagination';
import { CreateRoomDto, RoomDto, RoomQueryDto, TransferOwnershipDto, UpdateRoomDto } from './room.dto';
import { RoomsService } from './rooms.service';
import { Endpoint } from '../../common/http/endpoint.decorator';

const RoomPage = PageOf(RoomDto);

/** Rooms of the caller's tenant. Room-level rules (membership, room roles) are RoomAccess's. */
@ApiTags('rooms')
@Controller('rooms')
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get()
  @Endpoint({ summary: "List the rooms of the caller's tenant (oldest first)", access: ['rooms', 'read'], ok: RoomPage })
  listRooms(@CurrentPrincipal() p: Principal, @Query() query: RoomQueryDto): Promise<Page<RoomDto>> {
    return this.rooms.list(p, query);
  }

  @Post()
  @Endpoint({ summary: 'Create a room; the caller becomes its OWNER', access: ['rooms', 'create'], created: RoomDto })
  createRoom(@CurrentPrincipal() p: Principal, @Body() dto: CreateRoomDto): Promise<RoomDto> {
    return this.rooms.create(p, dto);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a room (join code and viz token in full for members only)', access: ['rooms', 'read'], ok: RoomDto, problems: [404] })
  getRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<RoomDto> {
    return this.rooms.get(p, id);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Change a room (owner and moderators); `password: null` removes the password',
    access: ['rooms', 'update'],
    ok: RoomDto,
    problems: [404],
  })
  updateRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateRoomDto): Promise<RoomDto> {
    return this.rooms.update(p, id, dto);
  }

  @Delete(':id')
  @Endpoint({
    summary: 'Delete a room with its members and messages (owner only)',
    access: ['rooms', 'delete'],
    noContent: 'Deleted',
    problems: [404],
  })
  deleteRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.rooms.remove(p, id);
  }

  @Post(':id/transfer-ownership')
  @Endpoint({
    summary: 'Hand the room to another member (owner only); the old owner becomes MODERATOR',
    access: ['rooms', 'update'],
    ok: RoomDto,
    problems: [404, 409],
  })
  transferRoomOwnership(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: TransferOwnershipDto): Promise<RoomDto> {
    return this.rooms.transferOwnership(p, id, dto.userId);
  }
}
