import type { FastifyRequest } from 'fastify';
import { AppException } from '../../common/errors/app.exception';
import { API_KEY_HEADER } from '../../common/openapi/openapi';

/** API keys start with this; anything else presented as a bearer credential is taken for an access token. */
export const API_KEY_PREFIX = 'ck_';

export const isApiKey = (credential: string): boolean => credential.startsWith(API_KEY_PREFIX);

/**
 * The credential of a request: `Authorization: Bearer <token or key>` or `X-API-Key: <key>`; undefined
 * when there is none. A malformed Authorization header is refused outright (401 `invalid-token`).
 */
export function credentialOf(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw AppException.unauthorized('The Authorization header must be "Bearer <token>".', 'invalid-token');
    return match[1];
  }
  const apiKey = request.headers[API_KEY_HEADER.toLowerCase()];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}
