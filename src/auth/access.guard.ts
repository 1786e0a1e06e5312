import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from 'passport';
import { AccessService } from '../access/access.service';
import { AUTHORIZE, AccessRequirement } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { requestContext } from '../common/context/request-context';
import { AppException } from '../common/errors/app.exception';
import { IS_PUBLIC } from '../common/http/public.decorator';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { credentialOf } from './strategies/credentials';
import { JwtStrategy } from './strategies/jwt.strategy';

/** The Passport strategies, in order: access tokens first (the common case); `ck_` credentials are left to the API-key strategy. */
const STRATEGIES = ['jwt', 'api-key'];

/** HTTP methods that change nothing: all a `read` API key may use. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const INSUFFICIENT_SCOPE = () => AppException.forbidden('This API key is read-only: it may not change anything.', 'insufficient-scope');

/** A `read` API key may use the safe methods only; access tokens and `write` keys any. */
function apiKeyScopeAllowsMethod(principal: Principal, method: string): boolean {
  return principal.apiKeyScope !== 'read' || SAFE_METHODS.has(method);
}

/** A `read` API key may send the socket events that need no more than a `read` action (joining, leaving, ping). */
function apiKeyScopeAllowsEvent(principal: Principal, requirement: AccessRequirement): boolean {
  return principal.apiKeyScope !== 'read' || requirement.kind !== 'policy' || requirement.action === 'read';
}

const JWT_REFUSED = () => AppException.unauthorized('The access token is malformed, expired or not signed by this server.', 'invalid-token');

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The global guard, for HTTP routes and socket events alike, failing closed. A route must be
 * `@Public()` or declare what it needs (`@Endpoint({ access })`, `@Authenticated`, `@PlatformAdmin`,
 * `@Authorize(object, action)`), and a socket event `@AuthenticatedEvent()` or
 * `@AuthorizeEvent(object, action)`; anything else is refused (403 `undeclared-route`).
 *
 * HTTP: authentication through Passport (a passport-jwt strategy and an API-key strategy, both
 * ending in AuthenticatorService, which checks the user's current state on every request), then
 * the declaration. The strategies are registered with a Passport instance of this application's
 * own, not with the process-wide `passport` that @nestjs/passport's AuthGuard consults: in one
 * process several applications (the multi-node tests) would otherwise authenticate each other's
 * requests with the last-registered application's strategies. Sockets: the handshake authenticated the socket (RealtimeService); the
 * declaration is checked against its principal for every event.
 *
 * API keys: a `read` key is refused (403 `insufficient-scope`) any HTTP method but GET, HEAD and
 * OPTIONS, and any socket event that needs more than a `read` action; no key may call a route
 * declared `session` (credential management: 403 `session-required`).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly passport = new Authenticator();

  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    jwt: JwtStrategy,
    apiKey: ApiKeyStrategy,
  ) {
    this.passport.use('jwt', jwt);
    this.passport.use('api-key', apiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const type = context.getType();
    if (type === 'ws') {
      const principal = context.switchToWs().getClient<{ data?: { principal?: Principal } }>().data?.principal;
      if (!principal) throw AppException.unauthorized();
      const requirement = this.requirementOf(targets);
      if (!apiKeyScopeAllowsEvent(principal, requirement)) throw INSUFFICIENT_SCOPE();
      await this.assertAllowed(principal, requirement);
      return true;
    }
    if (type !== 'http') throw AppException.forbidden('This kind of handler is not served.', 'undeclared-route');

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const requirement = this.requirementOf(targets);
    if (!credentialOf(request)) throw AppException.unauthorized();
    const principal = await this.authenticate(request, context.switchToHttp().getResponse<FastifyReply>());
    request.principal = principal;
    Object.assign(requestContext.get(), { principal });
    if (requirement.kind !== 'session' && !apiKeyScopeAllowsMethod(principal, request.method)) throw INSUFFICIENT_SCOPE();
    await this.assertAllowed(principal, requirement);
    return true;
  }

  /**
   * Runs the strategies: a strategy's own problem (blocked account, bad API key, ...) is thrown as
   * is; when none accepts the credential, it is a JWT that did not verify.
   */
  private authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    return new Promise((resolve, reject) => {
      const middleware = this.passport.authenticate(STRATEGIES, { session: false }, (err: unknown, user: Principal | false | undefined) => {
        if (err) reject(err);
        else if (!user) reject(JWT_REFUSED());
        else resolve(user);
      }) as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
      middleware(request, reply, (err) => reject(err ?? JWT_REFUSED()));
    });
  }

  private requirementOf(targets: Parameters<Reflector['getAllAndOverride']>[1]): AccessRequirement {
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(AUTHORIZE, targets);
    if (!requirement) throw AppException.forbidden('This route declares no access rule.', 'undeclared-route');
    return requirement;
  }

  private async assertAllowed(principal: Principal, requirement: AccessRequirement): Promise<void> {
    switch (requirement.kind) {
      case 'authenticated':
        return;
      case 'session':
        if (principal.via !== 'access-token') {
          throw AppException.forbidden('Managing credentials (API keys, sessions, the password) needs an access token from a sign-in; API keys cannot.', 'session-required');
        }
        return;
      case 'platform-admin':
        if (principal.role !== 'admin') throw AppException.forbidden('Platform admins only.');
        return;
      case 'policy':
        if (!(await this.access.enforce(principal, requirement.object, requirement.action))) {
          throw AppException.forbidden(`You may not ${requirement.action} ${requirement.object}.`);
        }
    }
  }
}
