import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { TenantScopeQueryDto } from '../../common/auth/tenant-scope';
import { AppException } from '../../common/errors/app.exception';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { uuidParam } from '../../common/http/uuid-param';
import { Page, PageOf } from '../../common/pagination/pagination';
import { AuthRateLimit } from '../../common/throttle/auth-rate-limit.decorator';
import {
  AcceptedInvitationDto, CreateTenantInvitationDto, INVITATION_TOKEN_PATTERN, InvitationPreviewDto, InvitationTokenDto, TenantInvitationDto,
  TenantInvitationQueryDto,
} from './tenant-invitation.dto';
import { TenantInvitationsService } from './tenant-invitations.service';

const TenantInvitationPage = PageOf(TenantInvitationDto);

/** A `{token}` path parameter that cannot be an invitation token is an unknown invitation. */
const tokenParam = (token: string): string => {
  if (!INVITATION_TOKEN_PATTERN.test(token)) throw AppException.notFound('Invitation');
  return token;
};

/**
 * Tenant invitations: an admin of the tenant (a platform admin, of any tenant with `?tenantId=`)
 * invites an e-mail address with a tenant role; the invited person registers, signs in with OIDC,
 * or accepts while signed in. docs/tenants.md.
 */
@ApiTags('tenants')
@Controller('tenant-invitations')
export class TenantInvitationsController {
  constructor(private readonly invitations: TenantInvitationsService) {}

  @Post()
  @Endpoint({
    summary: 'Invite an e-mail address into the tenant with a tenant role; the token is mailed, never returned',
    access: ['users', 'manage'],
    created: TenantInvitationDto,
    problems: [404, 409],
  })
  createTenantInvitation(@CurrentPrincipal() p: Principal, @Body() dto: CreateTenantInvitationDto, @Query() scope: TenantScopeQueryDto): Promise<TenantInvitationDto> {
    return this.invitations.create(p, dto, scope.tenantId);
  }

  @Get()
  @Endpoint({ summary: "List the tenant's invitations (filter by status and address)", access: ['users', 'manage'], ok: TenantInvitationPage, problems: [404] })
  listTenantInvitations(@CurrentPrincipal() p: Principal, @Query() query: TenantInvitationQueryDto): Promise<Page<TenantInvitationDto>> {
    return this.invitations.list(p, query);
  }

  @Post('preview')
  @Endpoint({
    summary: 'What an invitation token invites to (tenant, address, role, expiry, the OIDC login link), without using it',
    access: 'public',
    ok: InvitationPreviewDto,
    problems: [404, 410],
  })
  @AuthRateLimit()
  previewTenantInvitation(@Body() dto: InvitationTokenDto): Promise<InvitationPreviewDto> {
    return this.invitations.preview(dto.token);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get an invitation', access: ['users', 'manage'], ok: TenantInvitationDto, problems: [404] })
  getTenantInvitation(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<TenantInvitationDto> {
    return this.invitations.get(p, id, scope.tenantId);
  }

  @Post(':id/resend')
  @Endpoint({
    summary: 'Mail the invitation again with a new token and a new expiry (the old token stops working)',
    access: ['users', 'manage'],
    ok: TenantInvitationDto,
    problems: [404, 409, 410],
  })
  resendTenantInvitation(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<TenantInvitationDto> {
    return this.invitations.resend(p, id, scope.tenantId);
  }

  @Delete(':id')
  @Endpoint({ summary: 'Revoke an invitation that was not used', access: ['users', 'manage'], noContent: 'Revoked', problems: [404, 409] })
  revokeTenantInvitation(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() scope: TenantScopeQueryDto): Promise<void> {
    return this.invitations.revoke(p, id, scope.tenantId);
  }

  @Post(':token/accept')
  @Endpoint({
    summary: "Accept an invitation to the caller's own address: the caller gets its role (accounts of another tenant cannot join)",
    access: 'authenticated',
    ok: AcceptedInvitationDto,
    problems: [404, 409, 410],
  })
  @ApiParam({ name: 'token', description: 'The token from the invitation e-mail.', schema: { type: 'string', pattern: INVITATION_TOKEN_PATTERN.source } })
  acceptTenantInvitation(@CurrentPrincipal() p: Principal, @Param('token') token: string): Promise<AcceptedInvitationDto> {
    return this.invitations.accept(p, tokenParam(token));
  }
}
