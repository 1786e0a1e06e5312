import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf } from '../common/pagination/pagination';
import { CreateRoomDto, RoomDto, RoomQueryDto, TransferOwnershipDto, UpdateRoomDto } from './dto/room.dto';
import { RoomsService } from './rooms.service';

const RoomPage = PageOf(RoomDto);

/** Rooms of the caller's tenant. Room-level rules (membership, room roles) are RoomAccess's. */
@ApiTags('rooms')
@Controller('rooms')
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get()
  @Authorize('rooms', 'read')
  @ApiOperation({ summary: "List the rooms of the caller's tenant (oldest first)" })
  @ApiOkResponse({ type: RoomPage })
  @ApiProblems(400)
  listRooms(@CurrentPrincipal() p: Principal, @Query() query: RoomQueryDto): Promise<Page<RoomDto>> {
    return this.rooms.list(p, query);
  }

  @Post()
  @Authorize('rooms', 'create')
  @ApiOperation({ summary: 'Create a room; the caller becomes its OWNER' })
  @ApiCreatedResponse({ type: RoomDto })
  @ApiProblems(400)
  createRoom(@CurrentPrincipal() p: Principal, @Body() dto: CreateRoomDto): Promise<RoomDto> {
    return this.rooms.create(p, dto);
  }

  @Get(':id')
  @Authorize('rooms', 'read')
  @ApiOperation({ summary: 'Get a room (join code and viz token in full for members only)' })
  @ApiOkResponse({ type: RoomDto })
  @ApiProblems(400, 404)
  getRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<RoomDto> {
    return this.rooms.get(p, id);
  }

  @Patch(':id')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Change a room (owner and moderators); `password: null` removes the password' })
  @ApiOkResponse({ type: RoomDto })
  @ApiProblems(400, 404)
  updateRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateRoomDto): Promise<RoomDto> {
    return this.rooms.update(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('rooms', 'delete')
  @ApiOperation({ summary: 'Delete a room with its members and messages (owner only)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  deleteRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.rooms.remove(p, id);
  }

  @Post(':id/transfer-ownership')
  @HttpCode(200)
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Hand the room to another member (owner only); the old owner becomes MODERATOR' })
  @ApiOkResponse({ type: RoomDto })
  @ApiProblems(400, 404, 409)
  transferRoomOwnership(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: TransferOwnershipDto): Promise<RoomDto> {
    return this.rooms.transferOwnership(p, id, dto.userId);
  }
}
