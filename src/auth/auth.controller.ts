import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AuthRateLimit } from '../common/throttle/auth-rate-limit.decorator';
import { UserDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import { RegistrationService } from './registration.service';
import { SessionsService } from './sessions.service';
import { LoginDto, RefreshDto, RegisterDto, TokenPairDto } from './dto/auth.dto';
import type { DeviceInfo } from './token.service';
import { Endpoint } from '../common/http/endpoint.decorator';

export const deviceOf = (req: FastifyRequest): DeviceInfo => ({
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
  ip: req.ip,
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly registration: RegistrationService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('register')
  @Endpoint({
    summary: 'Create an account in the default tenant (a verification e-mail is sent), or with an invitation token in the invited tenant',
    access: 'public',
    created: UserDto,
    problems: [403, 404, 409, 410],
  })
  @AuthRateLimit()
  register(@Body() dto: RegisterDto): Promise<UserDto> {
    return this.registration.register(dto);
  }

  @Post('login')
  @Endpoint({ summary: 'Sign in with e-mail or username and password', access: 'public', ok: TokenPairDto, problems: [423] })
  @AuthRateLimit()
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(dto, deviceOf(req));
  }

  @Post('refresh')
  @Endpoint({ summary: 'Exchange a refresh token for a new pair; the old refresh token is spent', access: 'public', ok: TokenPairDto })
  @AuthRateLimit()
  refresh(@Body() dto: RefreshDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.sessions.refresh(dto.refreshToken, deviceOf(req));
  }

  @Post('logout')
  @Endpoint({ summary: 'End the session of this refresh token', access: 'session', noContent: 'Signed out' })
  logout(@CurrentPrincipal() principal: Principal, @Body() dto: RefreshDto): Promise<void> {
    return this.sessions.logout(principal, dto.refreshToken);
  }

  @Post('logout-all')
  @Endpoint({ summary: 'Revoke every session, access token and API key of the caller', access: 'session', noContent: 'Signed out everywhere' })
  logoutAll(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.sessions.logoutAll(principal);
  }
}
