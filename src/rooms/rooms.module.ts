import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { RoomMemberEntity } from './entities/room-member.entity';
import { RoomMessageEntity } from './entities/room-message.entity';
import { RoomEntity } from './entities/room.entity';
import { RoomAccess } from './room-access';
import { RoomEvents } from './room-events';
import { RoomMembersController } from './room-members.controller';
import { RoomMessagesController } from './room-messages.controller';
import { RoomMessagesRepository } from './room-messages.repository';
import { RoomMessagesService } from './room-messages.service';
import { RoomsController } from './rooms.controller';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

/** Rooms, members and messages (issue 4). The gateway will use RoomsService, RoomMessagesService, RoomAccess and RoomEvents. */
@Module({
  imports: [TypeOrmModule.forFeature([RoomEntity, RoomMemberEntity, RoomMessageEntity]), UsersModule],
  controllers: [RoomsController, RoomMembersController, RoomMessagesController],
  providers: [RoomsService, RoomsRepository, RoomMessagesService, RoomMessagesRepository, RoomAccess, RoomEvents],
  exports: [RoomsService, RoomMessagesService, RoomAccess, RoomEvents],
})
export class RoomsModule {}
