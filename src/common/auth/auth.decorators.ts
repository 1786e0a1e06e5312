import { ExecutionContext, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { AppException } from '../errors/app.exception';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { AccessAction, AccessObject } from './access-vocabulary';
import type { Principal } from './principal';

export const AUTHORIZE = 'collab:authorize';

/**
 * What a route or a socket event requires. Exactly one declaration per route (or `@Public()`) and
 * per socket event; the global guard enforces it and refuses a handler that has none.
 */
export type AccessRequirement =
  | { kind: 'authenticated' }
  /** A signed-in caller with an access token (an interactive session), never an API key: credential management. */
  | { kind: 'session' }
  | { kind: 'platform-admin' }
  | { kind: 'policy'; object: AccessObject; action: AccessAction };

/** The requirement itself, without the OpenAPI security it implies for HTTP routes. */
export const RequireAccess = (requirement: AccessRequirement): MethodDecorator & ClassDecorator => SetMetadata(AUTHORIZE, requirement);

const secured = (requirement: AccessRequirement) =>
  applyDecorators(RequireAccess(requirement), ApiBearerAuth('bearer'), ApiSecurity('apiKey'), ApiProblems(401, 403));

/**
 * The caller must be allowed `action` on `object` in its tenant by the Casbin
 * policies (`@Authorize('rooms', 'create')`). Resource-level rules are the service's.
 * Routes usually say it through `@Endpoint({ access: ['rooms', 'create'] })`.
 */
export const Authorize = (object: AccessObject, action: AccessAction) => secured({ kind: 'policy', object, action });

/** Any signed-in caller (self-service routes such as /me). */
export const Authenticated = () => secured({ kind: 'authenticated' });

/**
 * Credential management (API keys, sessions, logout-all, the password): the caller's own access
 * token only. An API key is refused (403 `session-required`), whatever its scope, so that a leaked
 * key can neither mint more keys nor lock its owner out; the OpenAPI document names the
 * access-token scheme alone.
 */
export const InteractiveSession = () =>
  applyDecorators(RequireAccess({ kind: 'session' }), ApiBearerAuth('accessToken'), ApiProblems(401, 403));

/** Platform admins only (tenant management). */
export const PlatformAdmin = () => secured({ kind: 'platform-admin' });

/**
 * A socket event handler that needs `action` on `object` (Casbin, like `@Authorize` on a route),
 * checked against the socket's user before the handler runs. Resource-level rules (room
 * membership, room roles) stay the service's.
 */
export const AuthorizeEvent = (object: AccessObject, action: AccessAction): MethodDecorator =>
  RequireAccess({ kind: 'policy', object, action });

/**
 * A socket event handler that any connected (hence authenticated) socket may call: say so
 * explicitly, since a handler without a declaration is refused.
 */
export const AuthenticatedEvent = (): MethodDecorator => RequireAccess({ kind: 'authenticated' });

/** The authenticated caller; the route must not be public. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw AppException.unauthorized();
  return principal;
});
