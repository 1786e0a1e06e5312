import { Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { sha256 } from '../../common/crypto/crypto';
import { EgressGuard } from '../../common/egress/egress-guard';
import { EgressError } from '../../common/egress/egress.error';
import { egressProblem } from '../../common/egress/egress-problem';
import { AppException } from '../../common/errors/app.exception';
import type { TenantOidcConfig } from '../../tenants/tenants.service';

/** The claims the login needs, normalised. */
export interface ExternalIdentity {
  /** The issuer identifier (`iss` of the ID token): `user_identities.provider`. */
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  preferredUsername: string | null;
}

export interface AuthorizationChecks {
  redirectUri: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

const SCOPE = 'openid email profile';
const DISCOVERY_CACHE_MS = 5 * 60_000;
const HTTP_TIMEOUT_SECONDS = 10;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** The endpoints of a discovery document the login uses; each must pass the egress guard. */
const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const;
const SUBJECT = "the tenant's identity provider";

/**
 * The identity providers of the tenants, through openid-client: discovery
 * (cached a few minutes per tenant and client), authorization URLs with PKCE
 * S256, the code exchange with state, nonce and ID-token checks, userinfo.
 * Failures of the provider become problem+json (400 for a bad or refused
 * response, 502 for a misbehaving provider, 503 when it cannot be reached).
 *
 * openid-client only talks HTTPS; plain http is allowed for loopback issuers
 * (http://localhost, http://127.0.0.1: development and tests) and nothing else.
 *
 * Every request (discovery, key set, token, userinfo) goes through the egress
 * guard (openid-client's `customFetch`): the issuer and every endpoint the
 * discovery document advertises must resolve to an address the server may
 * reach, and answers are capped in size and time. The advertised endpoints are
 * checked when the document is discovered, before any secret is sent.
 */
@Injectable()
export class OidcClients {
  private readonly logger = new Logger(OidcClients.name);
  private readonly cache = new Map<string, { config: client.Configuration; expiresAt: number }>();

  constructor(private readonly egress: EgressGuard) {}

  async authorizationUrl(tenant: TenantOidcConfig, checks: AuthorizationChecks): Promise<string> {
    const config = await this.configFor(tenant);
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: checks.redirectUri,
        scope: SCOPE,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      })
      .toString();
  }

  /**
   * Validates the authorization response (`currentUrl`: the redirect URI with
   * `code`, `state`, `iss`), redeems the code with the PKCE verifier, checks the
   * ID token (signature, issuer, audience, expiry, nonce) and reads the claims,
   * from userinfo when the ID token carries no e-mail.
   */
  async exchange(tenant: TenantOidcConfig, currentUrl: URL, checks: Omit<AuthorizationChecks, 'redirectUri'>): Promise<ExternalIdentity> {
    const config = await this.configFor(tenant);
    try {
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new AppException(502, 'oidc-provider-error', { detail: 'The identity provider returned no ID token.' });
      let claims: Record<string, unknown> = { ...idClaims };
      if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...claims };
      }
      return {
        issuer: idClaims.iss,
        subject: idClaims.sub,
        email: typeof claims.email === 'string' ? claims.email.trim() : null,
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
        name: typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : null,
        preferredUsername: typeof claims.preferred_username === 'string' ? claims.preferred_username : null,
      };
    } catch (err) {
      throw this.toProblem(err, tenant);
    }
  }

  /** The client configuration of a tenant's provider: discovered, then cached. */
  private async configFor(tenant: TenantOidcConfig): Promise<client.Configuration> {
    const key = [tenant.tenantId, tenant.issuer, tenant.clientId, tenant.clientSecret ? sha256(tenant.clientSecret) : ''].join('\n');
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.config;
    const insecure = allowsPlainHttp(tenant.issuer);
    try {
      const discovered = await client.discovery(new URL(tenant.issuer), tenant.clientId, undefined, client.None(), {
        execute: insecure ? [client.allowInsecureRequests] : [],
        timeout: HTTP_TIMEOUT_SECONDS,
        [client.customFetch]: this.egress.fetch,
      });
      const server = discovered.serverMetadata();
      await this.checkEndpoints(server);
      const config = new client.Configuration(server, tenant.clientId, tenant.clientSecret ?? undefined, clientAuthentication(tenant, server));
      config.timeout = HTTP_TIMEOUT_SECONDS;
      config[client.customFetch] = this.egress.fetch;
      if (insecure) client.allowInsecureRequests(config);
      for (const [k, entry] of this.cache) if (entry.expiresAt <= Date.now()) this.cache.delete(k);
      this.cache.set(key, { config, expiresAt: Date.now() + DISCOVERY_CACHE_MS });
      return config;
    } catch (err) {
      this.logger.warn({ msg: 'OIDC discovery failed', tenantId: tenant.tenantId, issuer: tenant.issuer, err });
      if (err instanceof AppException) throw err;
      const egress = EgressError.find(err);
      if (egress) throw egressProblem(egress, `${SUBJECT}'s discovery document`, 'oidc-unavailable');
      throw new AppException(503, 'oidc-unavailable', {
        detail: "The tenant's identity provider cannot be reached or its discovery document is invalid.",
        cause: err,
      });
    }
  }

  /**
   * The endpoints the login uses must be http(s) URLs (https unless the issuer is a loopback http one)
   * and pass the egress guard; a document without `authorization_endpoint` cannot start a login.
   */
  private async checkEndpoints(server: client.ServerMetadata): Promise<void> {
    if (typeof server.authorization_endpoint !== 'string') {
      throw new AppException(502, 'oidc-provider-error', { detail: "The identity provider's discovery document has no authorization_endpoint." });
    }
    for (const name of ENDPOINTS) {
      const value = server[name];
      if (value === undefined) continue;
      let url: URL | null = null;
      try {
        url = typeof value === 'string' ? new URL(value) : null;
      } catch {
        // not a URL: refused below
      }
      if (!url || (url.protocol !== 'https:' && !allowsPlainHttp(server.issuer))) {
        throw new AppException(502, 'oidc-provider-error', { detail: `The identity provider's ${name} is not an https URL.` });
      }
      try {
        await this.egress.assertAllowed(url);
      } catch (err) {
        if (err instanceof EgressError) throw egressProblem(err, `${SUBJECT}'s ${name}`, 'oidc-unavailable');
        throw err;
      }
    }
  }

  private toProblem(err: unknown, tenant: TenantOidcConfig): AppException {
    if (err instanceof AppException) return err;
    const egress = EgressError.find(err);
    if (egress) {
      this.logger.warn({ msg: 'OIDC request stopped by the egress guard', tenantId: tenant.tenantId, err: egress });
      return egressProblem(egress, SUBJECT, 'oidc-unavailable');
    }
    if (err instanceof client.AuthorizationResponseError) {
      return new AppException(400, 'oidc-denied', { detail: `The identity provider refused the login: ${err.error}.` });
    }
    if (err instanceof client.ResponseBodyError) {
      return new AppException(400, 'oidc-code-rejected', {
        detail: `The identity provider refused the authorization code (${err.error}).`,
        errors: [{ field: 'code', message: 'code was refused by the identity provider', code: err.error }],
      });
    }
    if (isNetworkError(err)) {
      this.logger.warn({ msg: 'OIDC provider unreachable', tenantId: tenant.tenantId, err });
      return new AppException(503, 'oidc-unavailable', { detail: "The tenant's identity provider cannot be reached." });
    }
    if (err instanceof client.ClientError && isResponseCheck(err.code)) {
      return new AppException(400, 'oidc-response-invalid', { detail: `The authorization response failed validation: ${err.message}.` });
    }
    this.logger.warn({ msg: 'OIDC provider misbehaved', tenantId: tenant.tenantId, err });
    return new AppException(502, 'oidc-provider-error', { detail: 'The identity provider answered something unexpected.' });
  }
}

/** openid-client refuses plain http; only loopback issuers (development, tests) get an exception. */
export function allowsPlainHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** client_secret_basic unless the provider only takes client_secret_post; a client without secret is public (PKCE only). */
function clientAuthentication(tenant: TenantOidcConfig, server: client.ServerMetadata): client.ClientAuth {
  if (!tenant.clientSecret) return client.None();
  const methods = server.token_endpoint_auth_methods_supported;
  if (methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')) return client.ClientSecretPost(tenant.clientSecret);
  return client.ClientSecretBasic(tenant.clientSecret);
}

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'TimeoutError' || err.name === 'AbortError' || (err instanceof TypeError && err.message === 'fetch failed');
}

/** openid-client codes for an authorization response or ID token that does not match what was expected. */
function isResponseCheck(code: string | undefined): boolean {
  return (
    code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' ||
    code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' ||
    code === 'OAUTH_INVALID_RESPONSE' ||
    code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED'
  );
}
