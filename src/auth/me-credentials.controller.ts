import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiKeysService } from './api-keys.service';
import { SessionsService } from './sessions.service';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto, SessionListDto } from './dto/auth.dto';
import { Endpoint } from '../common/http/endpoint.decorator';

/** The caller's own credentials: signed-in devices and API keys. An interactive session only: never with an API key. */
@ApiTags('me')
@Controller('me')
export class MeCredentialsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Get('sessions')
  @Endpoint({ summary: "The caller's signed-in devices (refresh-token families)", access: 'session', ok: SessionListDto })
  async listMySessions(@CurrentPrincipal() principal: Principal): Promise<SessionListDto> {
    return { items: await this.sessions.listSessions(principal) };
  }

  @Delete('sessions/:id')
  @Endpoint({ summary: 'Sign a device out at once', access: 'session', noContent: 'Revoked', problems: [404] })
  revokeMySession(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.sessions.revokeSession(principal, id);
  }

  @Get('api-keys')
  @Endpoint({ summary: "The caller's API keys (never the keys themselves)", access: 'session', ok: ApiKeyListDto })
  async listMyApiKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyListDto> {
    return { items: await this.apiKeys.list(principal) };
  }

  @Post('api-keys')
  @Endpoint({ summary: 'Create an API key; the key is in this response only', access: 'session', created: CreatedApiKeyDto, problems: [409] })
  createMyApiKey(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(principal, dto);
  }

  @Delete('api-keys/:id')
  @Endpoint({ summary: 'Revoke an API key at once', access: 'session', noContent: 'Revoked', problems: [404] })
  revokeMyApiKey(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.apiKeys.revoke(principal, id);
  }
}
