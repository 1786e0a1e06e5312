import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service';
import { AUTHORIZE, AccessRequirement } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { requestContext } from '../common/context/request-context';
import { AppException } from '../common/errors/app.exception';
import { IS_PUBLIC } from '../common/http/public.decorator';
import { credentialOf } from './strategies/credentials';

/** The Passport strategies, in order: access tokens first (the common case); `ck_` credentials are left to the API-key strategy. */
const STRATEGIES = ['jwt', 'api-key'];

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The global guard, for HTTP routes and socket events alike, failing closed. A route must be
 * `@Public()` or declare what it needs (`@Endpoint({ access })`, `@Authenticated`, `@PlatformAdmin`,
 * `@Authorize(object, action)`), and a socket event `@AuthenticatedEvent()` or
 * `@AuthorizeEvent(object, action)`; anything else is refused (403 `undeclared-route`).
 *
 * HTTP: authentication through Passport (an API-key strategy and a passport-jwt strategy, both
 * ending in AuthenticatorService, which checks the user's current state on every request), then
 * the declaration. Sockets: the handshake authenticated the socket (RealtimeService); the
 * declaration is checked against its principal for every event.
 */
@Injectable()
export class AccessGuard extends AuthGuard(STRATEGIES) {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const type = context.getType();
    if (type === 'ws') {
      const principal = context.switchToWs().getClient<{ data?: { principal?: Principal } }>().data?.principal;
      if (!principal) throw AppException.unauthorized();
      await this.assertAllowed(principal, this.requirementOf(targets));
      return true;
    }
    if (type !== 'http') throw AppException.forbidden('This kind of handler is not served.', 'undeclared-route');

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    Object.assign(requestContext.get(), { ip: request.ip });
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const requirement = this.requirementOf(targets);
    if (!credentialOf(request)) throw AppException.unauthorized();
    await super.canActivate(context);
    const principal = request.principal!;
    Object.assign(requestContext.get(), { principal });
    await this.assertAllowed(principal, requirement);
    return true;
  }

  /** Passport options: no session; the principal goes to `request.principal`. */
  override getAuthenticateOptions(): { session: false; property: string } {
    return { session: false, property: 'principal' };
  }

  /** Passport's outcome: a strategy's own problem (blocked account, bad API key, ...), else a JWT that did not verify. */
  override handleRequest<TUser = Principal>(err: unknown, user: TUser | false | null): TUser {
    if (err) throw err;
    if (!user) throw AppException.unauthorized('The access token is malformed, expired or not signed by this server.', 'invalid-token');
    return user;
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
