/**
 * The signed-in sessions (refresh-token families) of a user. The auth module keeps them and
 * provides this; the users module ends them when an admin blocks or disables the account, in the
 * same transaction, so that unblocking or re-enabling it does not bring them back. An abstract
 * class is the injection token.
 */
export abstract class UserSessions {
  /** Revokes every live session of the user, in the caller's transaction; returns how many tokens it revoked. */
  abstract revokeAll(tenantId: string, userId: string, reason: string): Promise<number>;
}
