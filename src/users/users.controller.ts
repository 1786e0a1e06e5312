import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { TenantScopeQueryDto } from '../common/auth/tenant-scope';
import { Endpoint } from '../common/http/endpoint.decorator';
import { uuidParam } from '../common/http/uuid-param';
import { Page, PageOf } from '../common/pagination/pagination';
import { BlockUserDto, CreateUserDto, SetDisabledDto, SetPlatformRoleDto, SetTenantRoleDto, UserDto, UserQueryDto } from './dto/user.dto';
import { UserAdminService } from './user-admin.service';

const UserPage = PageOf(UserDto);

/**
 * Users of the caller's tenant as admins see them (`users:manage`: e-mail, roles, status, lock,
 * last login), and what tenant admins do to accounts; members have the directory
 * (`/users/directory`). Platform admins act in any tenant with `?tenantId=` (others get 403 for a
 * tenant not theirs); only platform admins act on a platform admin.
 */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserAdminService) {}

  @Get()
  @Endpoint({ summary: "List the users of the caller's tenant with their admin fields (platform admins: of any tenant)", access: ['users', 'manage'], ok: UserPage, problems: [404] })
  listUsers(@CurrentPrincipal() p: Principal, @Query() query: UserQueryDto): Promise<Page<UserDto>> {
    return this.users.list(p, query);
  }

  @Post()
  @Endpoint({ summary: "Create a user in the caller's tenant (platform admins: in any tenant)", access: ['users', 'manage'], created: UserDto, problems: [404, 409] })
  createUser(@CurrentPrincipal() p: Principal, @Body() dto: CreateUserDto, @Query() scope: TenantScopeQueryDto): Promise<UserDto> {
    return this.users.create(p, dto, scope.tenantId);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a user with its admin fields', access: ['users', 'manage'], ok: UserDto, problems: [404] })
  getUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<UserDto> {
    return this.users.get(p, id, scope.tenantId);
  }

  @Delete(':id')
  @Endpoint({
    summary: 'Delete a user (their room messages stay, without author); never the last active admin',
    access: ['users', 'manage'],
    noContent: 'Deleted',
    problems: [404, 409],
  })
  deleteUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<void> {
    return this.users.remove(p, id, scope.tenantId);
  }

  @Post(':id/block')
  @Endpoint({
    summary: 'Block a user: every token of theirs is refused from the next request on; never the last active admin',
    access: ['users', 'manage'],
    ok: UserDto,
    problems: [404, 409],
  })
  blockUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: BlockUserDto, @Query() scope: TenantScopeQueryDto): Promise<UserDto> {
    return this.users.block(p, id, dto, scope.tenantId);
  }

  @Post(':id/unblock')
  @Endpoint({ summary: 'Unblock a user', access: ['users', 'manage'], ok: UserDto, problems: [404, 409] })
  unblockUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<UserDto> {
    return this.users.unblock(p, id, scope.tenantId);
  }

  @Put(':id/disabled')
  @Endpoint({ summary: 'Disable or re-enable a user; never the last active admin', access: ['users', 'manage'], ok: UserDto, problems: [404, 409] })
  setUserDisabled(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: SetDisabledDto,
    @Query() scope: TenantScopeQueryDto,
  ): Promise<UserDto> {
    return this.users.setDisabled(p, id, dto.disabled, scope.tenantId);
  }

  @Post(':id/unlock')
  @Endpoint({ summary: 'Lift a lockout caused by failed logins', access: ['users', 'manage'], ok: UserDto, problems: [404] })
  unlockUser(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<UserDto> {
    return this.users.unlock(p, id, scope.tenantId);
  }

  @Put(':id/role')
  @Endpoint({
    summary: "Set the user's role in the tenant (admin, member, guest or a custom role; replaces their direct roles); never demotes the last active admin",
    access: ['users', 'manage'],
    ok: UserDto,
    problems: [404, 409],
  })
  setUserRole(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: SetTenantRoleDto,
    @Query() scope: TenantScopeQueryDto,
  ): Promise<UserDto> {
    return this.users.setTenantRole(p, id, dto.role, scope.tenantId);
  }

  @Put(':id/platform-role')
  @Endpoint({ summary: "Set the user's platform role (platform admins)", access: 'platform-admin', ok: UserDto, problems: [404, 409] })
  setUserPlatformRole(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: SetPlatformRoleDto,
    @Query() scope: TenantScopeQueryDto,
  ): Promise<UserDto> {
    return this.users.setPlatformRole(p, id, dto.role, scope.tenantId);
  }
}
