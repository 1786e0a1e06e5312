import { ExecutionContext, SetMetadata } from '@nestjs/common';

const AUTH_RATE_LIMITED = 'collab:authRateLimited';

/** Puts a route under the per-IP `auth` budget (LOGIN_RATE_LIMIT_MAX a minute) on top of the global one. */
export const AuthRateLimit = (): MethodDecorator => SetMetadata(AUTH_RATE_LIMITED, true);

export function isAuthRateLimited(context: ExecutionContext): boolean {
  return Reflect.getMetadata(AUTH_RATE_LIMITED, context.getHandler()) === true;
}
