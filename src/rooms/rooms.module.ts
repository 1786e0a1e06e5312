import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { JsonPatchModule } from '../common/json-patch/json-patch.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { UsersModule } from '../users/users.module';
import { RoomAccess } from './core/room-access';
import { RoomsController } from './core/rooms.controller';
import { RoomsRepository } from './core/rooms.repository';
import { RoomsService } from './core/rooms.service';
import { DashboardPanelsController } from './dashboard-panels/dashboard-panels.controller';
import { DashboardPanelsRepository } from './dashboard-panels/dashboard-panels.repository';
import { DashboardPanelsService } from './dashboard-panels/dashboard-panels.service';
import { RoomInvitesController } from './invites/invites.controller';
import { RoomInvitesRepository } from './invites/invites.repository';
import { RoomInvitesService } from './invites/invites.service';
import { RoomsGateway } from './live/rooms.gateway';
import { RoomsLiveService } from './live/rooms-live.service';
import { RoomMembersController } from './members/members.controller';
import { RoomMembersRepository } from './members/members.repository';
import { RoomMembersService } from './members/members.service';
import { RoomBotMessagesController, RoomMessagesController } from './messages/messages.controller';
import { RoomMessagesRepository } from './messages/messages.repository';
import { RoomMessagesService } from './messages/messages.service';
import { ModuleResourcesController } from './module-resources/module-resources.controller';
import { ModuleResourcesRepository } from './module-resources/module-resources.repository';
import { ModuleResourcesService } from './module-resources/module-resources.service';
import { RoomSipController } from './sip/sip.controller';
import { RoomSipRepository } from './sip/sip.repository';
import { RoomSipService } from './sip/sip.service';
import { StreamingTargetsController } from './streaming-targets/streaming-targets.controller';
import { StreamingTargetsRepository } from './streaming-targets/streaming-targets.repository';
import { StreamingTargetsService } from './streaming-targets/streaming-targets.service';
import { RoomTranscriptsController } from './transcripts/transcripts.controller';
import { RoomTranscriptsRepository } from './transcripts/transcripts.repository';
import { RoomTranscriptsService } from './transcripts/transcripts.service';

/**
 * Rooms (docs/rooms.md): one folder per feature, each with its controller, service, repository,
 * entity, DTOs and mapper; `core` holds the rooms themselves and RoomAccess, the room-level
 * chokepoint every feature asks; `live` is the Socket.IO gateway, which listens to the rooms'
 * domain events (rooms.events.ts). Names of users come from UsersService, never from the users table.
 */
@Module({
  imports: [UsersModule, AccessModule, RealtimeModule, JsonPatchModule],
  controllers: [
    RoomsController,
    RoomMembersController,
    RoomMessagesController,
    RoomBotMessagesController,
    RoomTranscriptsController,
    RoomInvitesController,
    RoomSipController,
    StreamingTargetsController,
    DashboardPanelsController,
    ModuleResourcesController,
  ],
  providers: [
    RoomAccess,
    RoomsService,
    RoomsRepository,
    RoomMembersService,
    RoomMembersRepository,
    RoomMessagesService,
    RoomMessagesRepository,
    RoomTranscriptsService,
    RoomTranscriptsRepository,
    RoomInvitesService,
    RoomInvitesRepository,
    RoomSipService,
    RoomSipRepository,
    StreamingTargetsService,
    StreamingTargetsRepository,
    DashboardPanelsService,
    DashboardPanelsRepository,
    ModuleResourcesService,
    ModuleResourcesRepository,
    RoomsLiveService,
    RoomsGateway,
  ],
})
export class RoomsModule {}
