import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthRateLimit } from '../../common/throttle/auth-rate-limit.decorator';
import { deviceOf } from '../auth.controller';
import { TokenPairDto } from '../dto/auth.dto';
import { OidcAuthorizationDto, OidcAuthorizeQueryDto, OidcCallbackQueryDto, OidcTenantParamDto } from '../dto/oidc.dto';
import { OidcService } from './oidc.service';
import { Endpoint } from '../../common/http/endpoint.decorator';

/** OIDC login with the identity provider of a tenant (authorization code + PKCE). */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(private readonly oidc: OidcService) {}

  @Get(':tenant/authorize')
  @Endpoint({
    summary: "Start an OIDC login: redirects to the tenant's identity provider (or, with mode=json, returns the URL)",
    access: 'public',
    ok: { type: OidcAuthorizationDto, description: 'With `mode=json`: the authorization URL to send the browser to.' },
    problems: [404, 502, 503],
  })
  @AuthRateLimit()
  @ApiResponse({
    status: 302,
    description: "Default mode: a redirect to the identity provider's authorization endpoint.",
    headers: { Location: { description: 'The authorization URL.', schema: { type: 'string', format: 'uri' } } },
  })
  async startOidcLogin(@Param() params: OidcTenantParamDto, @Query() query: OidcAuthorizeQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.oidc.authorize(params.tenant, query.redirectUri, query.invitation);
    if (query.mode === 'json') await reply.status(200).send(result);
    else await reply.redirect(result.authorizationUrl, 302);
  }

  @Get(':tenant/callback')
  @Endpoint({
    summary: 'Finish an OIDC login: the redirect target of the identity provider; signs the user in (provisioning it on first login)',
    access: 'public',
    ok: TokenPairDto,
    problems: [404, 409, 422, 502, 503],
  })
  @AuthRateLimit()
  finishOidcLogin(@Param() params: OidcTenantParamDto, @Query() query: OidcCallbackQueryDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.oidc.callback(params.tenant, query, deviceOf(req));
  }
}
