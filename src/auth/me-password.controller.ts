import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AuthRateLimit } from '../common/throttle/auth-rate-limit.decorator';
import { ChangePasswordDto } from './dto/account.dto';
import { PasswordResetService } from './password-reset.service';
import { Endpoint } from '../common/http/endpoint.decorator';

/** The caller's own password. */
@ApiTags('me')
@Controller('me')
export class MePasswordController {
  constructor(private readonly passwords: PasswordResetService) {}

  @Post('password')
  @Endpoint({
    summary: "Change the caller's password; every session (this one included) and every API key ends",
    access: 'session',
    noContent: 'Password changed; sign in again with the new one',
    problems: [404],
  })
  @AuthRateLimit()
  changeMyPassword(@CurrentPrincipal() principal: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.passwords.change(principal, dto);
  }
}
