import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal, PlatformAdmin } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf } from '../common/pagination/pagination';
import { BlockUserDto, CreateUserDto, SetDisabledDto, SetPlatformRoleDto, SetTenantRoleDto, UserDto, UserQueryDto } from './dto/user.dto';
import { UsersService } from './users.service';

const UserPage = PageOf(UserDto);

/** Users of the caller's tenant: the directory, and what tenant admins do to accounts. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authorize('users', 'read')
  @ApiOperation({ summary: "List the users of the caller's tenant" })
  @ApiOkResponse({ type: UserPage })
  @ApiProblems(400)
  listUsers(@CurrentPrincipal() p: Principal, @Query() query: UserQueryDto): Promise<Page<UserDto>> {
    return this.users.list(p.tenantId, query);
  }

  @Post()
  @Authorize('users', 'manage')
  @ApiOperation({ summary: "Create a user in the caller's tenant" })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems(400, 409)
  createUser(@CurrentPrincipal() p: Principal, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.adminCreate(p, dto);
  }

  @Get(':id')
  @Authorize('users', 'read')
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404)
  getUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<UserDto> {
    return this.users.get(p.tenantId, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('users', 'manage')
  @ApiOperation({ summary: 'Delete a user (their room messages stay, without author)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 409)
  deleteUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.users.remove(p, id);
  }

  @Post(':id/block')
  @HttpCode(200)
  @Authorize('users', 'manage')
  @ApiOperation({ summary: 'Block a user: every token of theirs is refused from the next request on' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 409)
  blockUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: BlockUserDto): Promise<UserDto> {
    return this.users.block(p, id, dto);
  }

  @Post(':id/unblock')
  @HttpCode(200)
  @Authorize('users', 'manage')
  @ApiOperation({ summary: 'Unblock a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 409)
  unblockUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<UserDto> {
    return this.users.unblock(p, id);
  }

  @Put(':id/disabled')
  @Authorize('users', 'manage')
  @ApiOperation({ summary: 'Disable or re-enable a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 409)
  setUserDisabled(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: SetDisabledDto): Promise<UserDto> {
    return this.users.setDisabled(p, id, dto.disabled);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Authorize('users', 'manage')
  @ApiOperation({ summary: 'Lift a lockout caused by failed logins' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404)
  unlockUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<UserDto> {
    return this.users.unlock(p, id);
  }

  @Put(':id/role')
  @Authorize('users', 'manage')
  @ApiOperation({ summary: "Set the user's role in the tenant (replaces their direct role assignments)" })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 409)
  setUserRole(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: SetTenantRoleDto): Promise<UserDto> {
    return this.users.setTenantRole(p, id, dto.role);
  }

  @Put(':id/platform-role')
  @PlatformAdmin()
  @ApiOperation({ summary: "Set the user's platform role (platform admins)" })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 409)
  setUserPlatformRole(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: SetPlatformRoleDto): Promise<UserDto> {
    return this.users.setPlatformRole(p, id, dto.role);
  }
}
