export const PLATFORM_ROLES = ['guest', 'user', 'admin'] as const;
/** Platform role on the user: `admin` manages tenants; tenant-level roles live in Casbin. */
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/**
 * What an API key may do, chosen when it is made: `read` only the safe HTTP methods (GET, HEAD,
 * OPTIONS) and the socket events that need no more than a `read` action; `write` also changes
 * things. No scope reaches credential management (API keys, sessions, the password), which needs
 * an interactive session.
 */
export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Who is calling: set by the authentication guard, read by services through `@CurrentPrincipal()`. */
export interface Principal {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: PlatformRole;
  readonly via: 'access-token' | 'api-key';
  /** The refresh-token family (signed-in device) an access token belongs to. */
  readonly sessionId?: string;
  readonly apiKeyId?: string;
  /** When the credential stops being valid (epoch milliseconds): the access token's `exp`, the API key's expiry. None: an API key without expiry. */
  readonly expiresAt?: number;
  /** What the API key may do (API keys only). */
  readonly apiKeyScope?: ApiKeyScope;
}
