import type { FastifyRequest } from 'fastify';

/** What a secret is logged as. */
export const REDACTED = '[redacted]';

/** Path parameters whose values are secrets: an invitation token, an invite code, a key, a signature. */
const SECRET_PARAMETER = /(token|code|state|password|secret|signature|key|credential|invitation)$/i;

/**
 * The path of a request as log lines show it: never the query string, which carries secrets as
 * links and redirects do (an e-mail verification token, an OIDC callback's `code` and `state`), and
 * with the values of secret path parameters (`/tenant-invitations/{token}/accept`,
 * `/invites/{code}/redeem`) replaced by `[redacted]`.
 */
export function loggablePath(request: Pick<FastifyRequest, 'url' | 'params'>): string {
  const path = request.url.split('?', 1)[0];
  const params = (request.params ?? {}) as Record<string, unknown>;
  const secrets = new Set(Object.entries(params).flatMap(([name, value]) => (SECRET_PARAMETER.test(name) && typeof value === 'string' && value ? [value] : [])));
  if (secrets.size === 0) return path;
  return path
    .split('/')
    .map((segment) => (secrets.has(decodeSegment(segment)) ? REDACTED : segment))
    .join('/');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
