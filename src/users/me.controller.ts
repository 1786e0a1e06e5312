import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { PutUserSettingsDto, UpdateProfileDto, UserDto, UserSettingsDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The caller' })
  @ApiOkResponse({ type: UserDto })
  getMe(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return this.users.getProfile(principal);
  }

  @Patch()
  @Authenticated()
  @ApiOperation({ summary: "Update the caller's profile" })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400)
  updateMe(@CurrentPrincipal() principal: Principal, @Body() dto: UpdateProfileDto): Promise<UserDto> {
    return this.users.updateProfile(principal, dto);
  }

  @Get('settings')
  @Authenticated()
  @ApiOperation({ summary: "The caller's settings" })
  @ApiOkResponse({ type: UserSettingsDto })
  getMySettings(@CurrentPrincipal() principal: Principal): Promise<UserSettingsDto> {
    return this.users.getSettings(principal);
  }

  @Put('settings')
  @Authenticated()
  @ApiOperation({ summary: "Replace the caller's settings" })
  @ApiOkResponse({ type: UserSettingsDto })
  @ApiProblems(400)
  putMySettings(@CurrentPrincipal() principal: Principal, @Body() dto: PutUserSettingsDto): Promise<UserSettingsDto> {
    return this.users.putSettings(principal, dto);
  }
}
