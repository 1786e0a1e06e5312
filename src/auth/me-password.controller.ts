import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { AuthRateLimit } from '../common/throttle/auth-rate-limit.decorator';
import { ChangePasswordDto } from './dto/account.dto';
import { PasswordResetService } from './password-reset.service';

/** The caller's own password. */
@ApiTags('me')
@Controller('me')
export class MePasswordController {
  constructor(private readonly passwords: PasswordResetService) {}

  @Post('password')
  @HttpCode(204)
  @Authenticated()
  @AuthRateLimit()
  @ApiOperation({ summary: "Change the caller's password; every session ends, this one included" })
  @ApiNoContentResponse({ description: 'Password changed; sign in again with the new one' })
  @ApiProblems(400, 404)
  changeMyPassword(@CurrentPrincipal() principal: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.passwords.change(principal, dto);
  }
}
