import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Endpoint } from '../common/http/endpoint.decorator';
import { uuidParam } from '../common/http/uuid-param';
import { Page, PageOf } from '../common/pagination/pagination';
import { UserDirectoryEntryDto, UserDirectoryQueryDto } from './dto/user.dto';
import { UsersService } from './users.service';

const UserDirectoryPage = PageOf(UserDirectoryEntryDto);

/**
 * The directory of the caller's tenant, for every member (`users:read`): id, display name and
 * avatar. The administrative view of users (e-mail, roles, status, lock, last login) is
 * `/users`, for `users:manage`.
 */
@ApiTags('users')
@Controller('users/directory')
export class DirectoryController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Endpoint({ summary: "List the users of the caller's tenant as every member sees them", access: ['users', 'read'], ok: UserDirectoryPage })
  listDirectory(@CurrentPrincipal() p: Principal, @Query() query: UserDirectoryQueryDto): Promise<Page<UserDirectoryEntryDto>> {
    return this.users.directory(p.tenantId, query);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a user as every member sees it', access: ['users', 'read'], ok: UserDirectoryEntryDto, problems: [404] })
  getDirectoryEntry(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<UserDirectoryEntryDto> {
    return this.users.directoryEntry(p.tenantId, id);
  }
}
