import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Public } from '../common/http/public.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { AuthRateLimit } from '../common/throttle/auth-rate-limit.decorator';
import { UserDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import { LoginDto, RefreshDto, RegisterDto, TokenPairDto } from './dto/auth.dto';
import type { DeviceInfo } from './token.service';

export const deviceOf = (req: FastifyRequest): DeviceInfo => ({
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
  ip: req.ip,
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Create an account in the default tenant; a verification e-mail is sent' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems(400, 403, 409)
  register(@Body() dto: RegisterDto): Promise<UserDto> {
    return this.auth.register(dto);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Sign in with e-mail or username and password' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems(400, 401, 403, 423)
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(dto, deviceOf(req));
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old refresh token is spent' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems(400, 401, 403)
  refresh(@Body() dto: RefreshDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, deviceOf(req));
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End the session of this refresh token' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems(400)
  logout(@CurrentPrincipal() principal: Principal, @Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(principal, dto.refreshToken);
  }

  @Post('logout-all')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke every session and access token of the caller' })
  @ApiNoContentResponse({ description: 'Signed out everywhere' })
  logoutAll(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.logoutAll(principal);
  }
}
