/** Domain events of the users module (see DomainEventMap). */

export interface UserRef {
  tenantId: string;
  userId: string;
}

/** Why every access token of a user stopped working. */
export type TokensRevokedReason = 'password-changed' | 'signed-out-everywhere';

declare module '../common/events/domain-events' {
  interface DomainEventMap {
    /** An admin blocked the user: its tokens and API keys are refused from now on. */
    'user.blocked': UserRef;
    /** An admin disabled the user. */
    'user.disabled': UserRef;
    /** An admin deleted the user. */
    'user.deleted': UserRef;
    /** The user's token version was raised: every access token issued before is refused. */
    'user.tokens-revoked': UserRef & { reason: TokensRevokedReason };
  }
}
