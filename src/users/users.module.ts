import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { RealtimeCoreModule } from '../realtime/realtime-core.module';
import { GroupEntity, UserGroupEntity } from './entities/group.entity';
import { UserSettingsEntity } from './entities/user-settings.entity';
import { UserEntity } from './entities/user.entity';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserSettingsEntity, GroupEntity, UserGroupEntity]), AccessModule, RealtimeCoreModule],
  controllers: [MeController, UsersController, GroupsController],
  providers: [UsersService, UsersRepository, GroupsService, GroupsRepository],
  exports: [UsersService],
})
export class UsersModule {}
