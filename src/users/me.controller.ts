import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { PutUserSettingsDto, UpdateProfileDto, UserDto, UserSettingsDto } from './dto/user.dto';
import { ProfileService } from './profile.service';
import { Endpoint } from '../common/http/endpoint.decorator';

@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @Endpoint({ summary: 'The caller', access: 'authenticated', ok: UserDto })
  getMe(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return this.profile.getProfile(principal);
  }

  @Patch()
  @Endpoint({ summary: "Update the caller's profile", access: 'authenticated', ok: UserDto })
  updateMe(@CurrentPrincipal() principal: Principal, @Body() dto: UpdateProfileDto): Promise<UserDto> {
    return this.profile.updateProfile(principal, dto);
  }

  @Get('settings')
  @Endpoint({ summary: "The caller's settings", access: 'authenticated', ok: UserSettingsDto })
  getMySettings(@CurrentPrincipal() principal: Principal): Promise<UserSettingsDto> {
    return this.profile.getSettings(principal);
  }

  @Put('settings')
  @Endpoint({ summary: "Replace the caller's settings", access: 'authenticated', ok: UserSettingsDto })
  putMySettings(@CurrentPrincipal() principal: Principal, @Body() dto: PutUserSettingsDto): Promise<UserSettingsDto> {
    return this.profile.putSettings(principal, dto);
  }
}
