import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { TenantsModule } from '../tenants/tenants.module';
import { DirectoryController } from './directory.controller';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';
import { MeController } from './me.controller';
import { PlatformAdminsModule } from './platform-admins.module';
import { ProfileService } from './profile.service';
import { UserAdminService } from './user-admin.service';
import { AuthenticatedUsers } from './user-principal';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [AccessModule, TenantsModule, PlatformAdminsModule],
  controllers: [MeController, DirectoryController, UsersController, GroupsController],
  providers: [UsersService, UserAdminService, ProfileService, AuthenticatedUsers, UsersRepository, GroupsService, GroupsRepository],
  exports: [UsersService, AuthenticatedUsers],
})
export class UsersModule {}
