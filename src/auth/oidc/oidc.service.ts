import { Injectable } from '@nestjs/common';
import * as client from 'openid-client';
import { AppConfig } from '../../common/config/app-config';
import { AppException } from '../../common/errors/app.exception';
import { TenantOidcConfig, TenantsService } from '../../tenants/tenants.service';
import { TokenPairDto } from '../dto/auth.dto';
import { OidcAuthorizationDto, OidcCallbackQueryDto } from '../dto/oidc.dto';
import { DeviceInfo } from '../token.service';
import { OidcClients } from './oidc-clients';
import { OidcIdentityService } from './oidc-identity.service';
import { OIDC_STATE_TTL_SECONDS, OidcStateCodec } from './oidc-state';

/** The API path of the callback, under PUBLIC_URL: the redirect_uri to register at the identity provider. */
export const oidcCallbackPath = (tenant: string): string => `/api/v1/auth/oidc/${encodeURIComponent(tenant)}/callback`;

const invalidState = (detail: string, code: string) =>
  new AppException(400, 'invalid-state', { detail, errors: [{ field: 'state', message: detail, code }] });

/**
 * OIDC login against the identity provider a platform admin configured for a
 * tenant: authorization code flow with PKCE (S256), state and nonce. The server
 * keeps no session: the PKCE verifier, nonce, tenant, redirect URI and expiry
 * travel sealed in `state` (see OidcStateCodec), so any node finishes the flow.
 */
@Injectable()
export class OidcService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly clients: OidcClients,
    private readonly states: OidcStateCodec,
    private readonly identities: OidcIdentityService,
    private readonly config: AppConfig,
  ) {}

  /** With `invitation`, the login uses that tenant invitation once it succeeds (checked then). */
  async authorize(tenantRef: string, redirectUri?: string, invitation?: string): Promise<OidcAuthorizationDto> {
    const tenant = await this.requireTenant(tenantRef);
    const target = redirectUri ?? this.callbackUrl(tenantRef);
    if (redirectUri) this.assertAllowedRedirect(redirectUri);
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = this.states.seal({
      tid: tenant.tenantId,
      cv: codeVerifier,
      n: nonce,
      ru: target,
      exp: Math.floor(Date.now() / 1000) + OIDC_STATE_TTL_SECONDS,
      ...(invitation !== undefined && { inv: invitation }),
    });
    return { authorizationUrl: await this.clients.authorizationUrl(tenant, { redirectUri: target, codeVerifier, state, nonce }) };
  }

  async callback(tenantRef: string, query: OidcCallbackQueryDto, device: DeviceInfo): Promise<TokenPairDto> {
    if (query.error) {
      throw new AppException(400, 'oidc-denied', {
        detail: `The identity provider refused the login: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}.`,
      });
    }
    if (!query.code) throw AppException.invalidField('code', 'code is required', 'isDefined');
    const tenant = await this.requireTenant(tenantRef);
    const state = this.states.open(query.state);
    if (!state) throw invalidState('The state parameter was not issued by this server or was altered; start the login again.', 'tampered');
    if (state.exp < Date.now() / 1000) throw invalidState('The login took too long and its state has expired; start the login again.', 'expired');
    if (state.tid !== tenant.tenantId) throw invalidState('The login was started for another tenant.', 'tenant-mismatch');

    const currentUrl = new URL(state.ru);
    currentUrl.searchParams.set('code', query.code);
    currentUrl.searchParams.set('state', query.state);
    if (query.iss !== undefined) currentUrl.searchParams.set('iss', query.iss);
    const identity = await this.clients.exchange(tenant, currentUrl, { codeVerifier: state.cv, state: query.state, nonce: state.n });
    return this.identities.signIn(tenant.tenantId, identity, device, state.inv);
  }

  private async requireTenant(tenantRef: string): Promise<TenantOidcConfig> {
    const tenant = await this.tenants.getOidcConfig(tenantRef);
    if (!tenant) throw AppException.notFound('OIDC login for this tenant', 'oidc-not-configured');
    return tenant;
  }

  private callbackUrl(tenantRef: string): string {
    return `${this.config.publicUrl}${oidcCallbackPath(tenantRef)}`;
  }

  /** A front end's own redirect page must be on PUBLIC_URL's origin or one of CORS_ORIGINS. */
  private assertAllowedRedirect(redirectUri: string): void {
    const origins = this.config.env.CORS_ORIGINS;
    const origin = new URL(redirectUri).origin;
    if (origins.includes('*') || origin === new URL(this.config.publicUrl).origin || origins.includes(origin)) return;
    throw AppException.invalidField('redirectUri', 'redirectUri must be on PUBLIC_URL or one of CORS_ORIGINS', 'allowedOrigin');
  }
}
