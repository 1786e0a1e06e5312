/**
 * Every `code` a problem+json document (and a socket acknowledgement's error) can carry: one
 * typed list, published as the `ErrorCode` enum of `ProblemDetails.code` in the OpenAPI document
 * so that clients can switch on it. AppException takes only these; a module that needs a new
 * failure adds its code here, in its section, after checking that no existing code says the same.
 *
 * Codes are kebab-case and stable: renaming one breaks clients.
 */
export const ERROR_CODES = [
  // ---- generic: HTTP statuses, request parsing, the database ------------------------------------
  'bad-request',
  'validation-failed',
  'malformed-json',
  'empty-body',
  'unauthorized',
  'forbidden',
  'not-found',
  'method-not-allowed',
  'not-acceptable',
  'request-timeout',
  'conflict',
  'gone',
  'payload-too-large',
  'uri-too-long',
  'unsupported-media-type',
  'unprocessable',
  'too-many-requests',
  'internal',
  'not-implemented',
  'service-unavailable',
  'not-ready',
  /** A foreign key refused the change. */
  'reference-conflict',
  /** A serialization failure or deadlock: retry. */
  'concurrent-update',
  /** A route or socket event that declares no access rule (a bug: it is refused). */
  'undeclared-route',
  /** A socket event payload that is not a JSON object. */
  'invalid-payload',
  /** A JSON Patch whose `test` operation failed. */
  'patch-test-failed',

  // ---- outgoing requests to configured URLs (the egress guard) -------------------------------------
  /** A configured URL (or a redirect, or an endpoint it advertises) points where the server may not connect. */
  'egress-refused',
  /** A configured URL answered more than the server reads (EGRESS_MAX_RESPONSE_BYTES). */
  'upstream-response-too-large',

  // ---- authentication -----------------------------------------------------------------------------
  'invalid-credentials',
  'invalid-token',
  'invalid-api-key',
  'invalid-refresh-token',
  'token-revoked',
  'session-ended',
  /** A socket's access token or API key expired: the socket was dropped; reconnect with a fresh one. */
  'token-expired',
  'api-key-revoked',
  /** Credential management (API keys, sessions, the password) with an API key: only an access token may. */
  'session-required',
  /** A read-only API key asked to change something. */
  'insufficient-scope',
  'account-blocked',
  'account-disabled',
  'account-deleted',
  'account-locked',
  'registration-disabled',
  'too-many-keys',
  'already-verified',
  'invalid-state',
  'oidc-not-configured',
  'oidc-unavailable',
  'oidc-provider-error',
  'oidc-denied',
  'oidc-code-rejected',
  'oidc-response-invalid',
  'oidc-email-missing',
  'oidc-email-unverified',
  'email-in-other-tenant',
  'identity-other-tenant',
  /** Tenant invitations. */
  'invitation-pending',
  'invitation-accepted',
  'invitation-expired',
  'invitation-revoked',
  'invitation-used',
  'invitation-email-mismatch',
  'already-in-tenant',

  // ---- live sockets ---------------------------------------------------------------------------------
  /** A handshake past SOCKET_MAX_PER_USER or SOCKET_MAX_PER_IP. */
  'too-many-sockets',

  // ---- users, groups, tenants ----------------------------------------------------------------------
  'user-exists',
  'self-change',
  'group-exists',
  'slug-taken',
  'default-tenant',
  'tenant-disabled',
  /** Only platform admins act on a platform admin (or change rules that lower its rights). */
  'platform-admin-protected',

  // ---- authorization (policies and roles) ---------------------------------------------------------
  'policy-exists',
  'role-exists',
  'role-limit',
  'role-built-in',
  'role-assignment-exists',
  'last-admin',

  // ---- rooms ----------------------------------------------------------------------------------------
  'already-a-member',
  'already-owner',
  'not-a-room-member',
  'room-permission-denied',
  'owner-role',
  'owner-must-transfer',
  'wrong-room-password',
  'room-not-joined',
  'not-waiting',
  'not-message-author',
  'message-deleted',
  'not-a-dashboard-room',
  'join-code-exhausted',
  'invite-code-exhausted',
  'invite-inactive',
  'invite-expired',
  'invite-used-up',
  'dial-in-number-taken',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: string): value is ErrorCode {
  return KNOWN.has(value);
}
