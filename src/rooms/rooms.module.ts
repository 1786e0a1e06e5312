import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { RealtimeCoreModule } from '../realtime/realtime-core.module';
import { UsersModule } from '../users/users.module';
import { RoomMemberEntity } from './entities/room-member.entity';
import { RoomMessageEntity } from './entities/room-message.entity';
import { RoomEntity } from './entities/room.entity';
import { RoomAccess } from './room-access';
import { RoomEvents } from './room-events';
import { RoomMembersController } from './room-members.controller';
import { RoomBotMessagesController, RoomMessagesController } from './room-messages.controller';
import { RoomMessagesRepository } from './room-messages.repository';
import { RoomMessagesService } from './room-messages.service';
import { RoomsController } from './rooms.controller';
import { RoomsGateway } from './rooms.gateway';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';
import { DashboardPanelEntity, ModuleResourceEntity, RoomInviteEntity, RoomSipConfigEntity, RoomStreamingTargetEntity, RoomTranscriptEntity } from './entities/room-extras.entity';
import { JsonPatchContentType, RoomContentController } from './room-content.controller';
import { RoomContentRepository } from './room-content.repository';
import { RoomContentService } from './room-content.service';
import { RoomInvitesController } from './room-invites.controller';
import { RoomInvitesRepository } from './room-invites.repository';
import { RoomInvitesService } from './room-invites.service';
import { RoomMediaController } from './room-media.controller';
import { RoomMediaRepository } from './room-media.repository';
import { RoomMediaService } from './room-media.service';
import { RoomTranscriptsController } from './room-transcripts.controller';
import { RoomTranscriptsRepository } from './room-transcripts.repository';
import { RoomTranscriptsService } from './room-transcripts.service';

/** Transcripts, invites, SIP, streaming targets, panels and module resources (issue 4 items 4-6). */
const EXTRA_ENTITIES = [RoomTranscriptEntity, RoomInviteEntity, RoomSipConfigEntity, RoomStreamingTargetEntity, DashboardPanelEntity, ModuleResourceEntity];
const EXTRA_CONTROLLERS = [RoomTranscriptsController, RoomInvitesController, RoomMediaController, RoomContentController];
const EXTRA_PROVIDERS = [
  RoomTranscriptsService, RoomTranscriptsRepository, RoomInvitesService, RoomInvitesRepository, RoomMediaService, RoomMediaRepository,
  RoomContentService, RoomContentRepository, JsonPatchContentType,
];

/** Rooms, members and messages (issue 4), and their Socket.IO gateway (RoomsGateway, on the namespace RealtimeModule prepares). */
@Module({
  imports: [TypeOrmModule.forFeature([RoomEntity, RoomMemberEntity, RoomMessageEntity, ...EXTRA_ENTITIES]), UsersModule, AccessModule, RealtimeCoreModule],
  controllers: [RoomsController, RoomMembersController, RoomMessagesController, RoomBotMessagesController, ...EXTRA_CONTROLLERS],
  providers: [RoomsService, RoomsRepository, RoomMessagesService, RoomMessagesRepository, RoomAccess, RoomEvents, RoomsGateway, ...EXTRA_PROVIDERS],
  exports: [RoomsService, RoomMessagesService, RoomAccess, RoomEvents],
})
export class RoomsModule {}
