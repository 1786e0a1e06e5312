import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiKeysService } from './api-keys.service';
import { AuthService } from './auth.service';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto, SessionListDto } from './dto/auth.dto';

/** The caller's own credentials: signed-in devices and API keys. */
@ApiTags('me')
@Controller('me')
export class MeCredentialsController {
  constructor(
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Get('sessions')
  @Authenticated()
  @ApiOperation({ summary: "The caller's signed-in devices (refresh-token families)" })
  @ApiOkResponse({ type: SessionListDto })
  async listMySessions(@CurrentPrincipal() principal: Principal): Promise<SessionListDto> {
    return { items: await this.auth.listSessions(principal) };
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Sign a device out at once' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  revokeMySession(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.auth.revokeSession(principal, id);
  }

  @Get('api-keys')
  @Authenticated()
  @ApiOperation({ summary: "The caller's API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyListDto })
  async listMyApiKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyListDto> {
    return { items: await this.apiKeys.list(principal) };
  }

  @Post('api-keys')
  @Authenticated()
  @ApiOperation({ summary: 'Create an API key; the key is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblems(400, 409)
  createMyApiKey(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(principal, dto);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  revokeMyApiKey(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.apiKeys.revoke(principal, id);
  }
}
