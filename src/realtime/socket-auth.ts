import type { LoggerService } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { AuthenticatorService } from '../auth/authenticator.service';
import type { DatabaseOutage } from '../common/database/database-outage';
import { AppException } from '../common/errors/app.exception';
import type { AckError } from './socket.types';

/** The credential of a handshake: `auth.token`, else `Authorization: Bearer`, else `X-API-Key`. */
export function handshakeCredential(handshake: Socket['handshake']): string | undefined {
  const auth: unknown = handshake.auth;
  const fromAuth = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth.replace(/^Bearer\s+/i, '');
  const authorization = handshake.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  if (bearer) return bearer;
  const apiKey = handshake.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  return undefined;
}

/** The Error a refused handshake answers with: the client's `connect_error` has `message` and `data` (problem essentials). */
export class SocketAuthError extends Error {
  readonly data: AckError;

  constructor(error: AckError) {
    super(error.detail ?? error.code);
    this.name = 'SocketAuthError';
    this.data = error;
  }
}

const MAX_CREDENTIAL_LENGTH = 4096;

/**
 * Namespace middleware: authenticates the handshake with the same AuthenticatorService
 * as HTTP (bad, expired or revoked tokens and keys, blocked or disabled users, disabled
 * tenants are refused) and leaves the Principal on `socket.data.principal`. A refusal is
 * a `connect_error` whose `data` is `{ status: 401, code, detail }`.
 */
export type SocketMiddleware = (socket: Socket, next: (err?: Error) => void) => void;

export function socketAuthMiddleware(authenticator: AuthenticatorService, logger?: LoggerService, outage?: DatabaseOutage): SocketMiddleware {
  return (socket, next) => {
    const credential = handshakeCredential(socket.handshake);
    if (!credential) {
      next(new SocketAuthError({ status: 401, code: 'unauthorized', detail: 'Authentication is required: send an access token or API key in auth.token.' }));
      return;
    }
    if (credential.length > MAX_CREDENTIAL_LENGTH) {
      next(new SocketAuthError({ status: 401, code: 'invalid-token', detail: 'The credential is malformed.' }));
      return;
    }
    authenticator.authenticate(credential).then(
      (principal) => {
        (socket.data as { principal?: unknown }).principal = principal;
        next();
      },
      (err: unknown) => {
        if (err instanceof AppException && err.status < 500) {
          next(new SocketAuthError({ status: err.status, code: err.code, ...(err.detail !== undefined && { detail: err.detail }) }));
        } else {
          // A database outage is not the client's fault: tell it to retry, and never send the cause. The outage
          // logs itself once; anything else is logged with its stack.
          if (!outage?.failed(err)) logger?.error({ msg: 'socket handshake authentication failed unexpectedly', err });
          next(new SocketAuthError({ status: 503, code: 'service-unavailable', detail: 'Authentication is unavailable; retry shortly.' }));
        }
      },
    );
  };
}
