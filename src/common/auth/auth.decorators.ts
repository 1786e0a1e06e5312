import { ExecutionContext, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { AppException } from '../errors/app.exception';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { Principal } from './principal';

export const AUTHORIZE = 'collab:authorize';

/** What a route requires. Exactly one of these declarations per route (or `@Public()`). */
export type AccessRequirement =
  | { kind: 'authenticated' }
  | { kind: 'platform-admin' }
  | { kind: 'policy'; object: string; action: string };

const secured = (requirement: AccessRequirement, ...problems: number[]) =>
  applyDecorators(SetMetadata(AUTHORIZE, requirement), ApiBearerAuth('bearer'), ApiSecurity('apiKey'), ApiProblems(401, 403, ...problems));

/**
 * The caller must be allowed `action` on `object` in its tenant by the Casbin
 * policies (`@Authorize('rooms', 'create')`). Resource-level rules are the service's.
 */
export const Authorize = (object: string, action: string) => secured({ kind: 'policy', object, action });

/** Any signed-in caller (self-service routes such as /me). */
export const Authenticated = () => secured({ kind: 'authenticated' });

/** Platform admins only (tenant management). */
export const PlatformAdmin = () => secured({ kind: 'platform-admin' });

/** The authenticated caller; the route must not be public. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = (ctx.switchToHttp().getRequest<{ principal?: Principal }>()).principal;
  if (!principal) throw AppException.unauthorized();
  return principal;
});
