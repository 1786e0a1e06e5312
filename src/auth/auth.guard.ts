import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service';
import { AUTHORIZE, AccessRequirement } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { requestContext } from '../common/context/request-context';
import { AppException } from '../common/errors/app.exception';
import { IS_PUBLIC } from '../common/http/public.decorator';
import { API_KEY_HEADER } from '../common/openapi/openapi';
import { AuthenticatorService } from './authenticator.service';

/** The credential of a request: `Authorization: Bearer <token or key>` or `X-API-Key: <key>`. */
export function credentialOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw AppException.unauthorized('The Authorization header must be "Bearer <token>".', 'invalid-token');
    return match[1];
  }
  const apiKey = request.headers[API_KEY_HEADER.toLowerCase()];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

/**
 * The global guard: a route must be @Public() or declare what it needs
 * (@Authenticated, @PlatformAdmin or @Authorize(object, action)); anything
 * else fails closed. Authentication, then authorization through Casbin.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AuthenticatorService,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // sockets authenticate in their gateway
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    Object.assign(requestContext.get(), { ip: request.ip });
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(AUTHORIZE, targets);
    if (!requirement) throw AppException.forbidden('This route declares no access rule.', 'undeclared-route');

    const credential = credentialOf(request);
    if (!credential) throw AppException.unauthorized();
    const principal = await this.authenticator.authenticate(credential);
    request.principal = principal;
    Object.assign(requestContext.get(), { principal });

    switch (requirement.kind) {
      case 'authenticated':
        return true;
      case 'platform-admin':
        if (principal.role !== 'admin') throw AppException.forbidden('Platform admins only.');
        return true;
      case 'policy':
        if (!(await this.access.enforce(principal, requirement.object, requirement.action))) {
          throw AppException.forbidden(`You may not ${requirement.action} ${requirement.object}.`);
        }
        return true;
    }
  }
}
