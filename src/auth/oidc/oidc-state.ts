import { Injectable } from '@nestjs/common';
import { KeyRing, SecretBox } from '../../common/crypto/crypto';

/** How long a started OIDC login may take to come back. */
export const OIDC_STATE_TTL_SECONDS = 600;

/** What a login carries through the browser in the sealed `state` parameter. */
export interface OidcLoginState {
  /** Tenant id the login was started for. */
  tid: string;
  /** PKCE code verifier. */
  cv: string;
  /** Nonce expected in the ID token. */
  n: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** The redirect_uri sent to the identity provider (the token request must repeat it). */
  ru: string;
  /** A tenant invitation token to use once signed in. */
  inv?: string;
}

const isLoginState = (v: unknown): v is OidcLoginState => {
  const s = v as Partial<OidcLoginState> | null;
  return (
    typeof s === 'object' && s !== null &&
    typeof s.tid === 'string' && typeof s.cv === 'string' && typeof s.n === 'string' && typeof s.ru === 'string' && Number.isInteger(s.exp) &&
    (s.inv === undefined || typeof s.inv === 'string')
  );
};

/**
 * Seals the login state with AES-256-GCM under its own key (derived from
 * ENCRYPTION_KEY for the purpose `oidc-state`, so no other ciphertext of the
 * server opens as a state): the server keeps no session, so any node can finish
 * a login that another one started, and nobody can read or forge the PKCE
 * verifier and nonce inside.
 */
@Injectable()
export class OidcStateCodec {
  private readonly box: SecretBox;

  constructor(keys: KeyRing) {
    this.box = keys.box('oidc-state');
  }

  seal(state: OidcLoginState): string {
    return Buffer.from(this.box.encrypt(JSON.stringify(state)), 'utf8').toString('base64url');
  }

  /** The state, or null when it was not sealed by this installation (tampered, truncated, foreign). Expiry is the caller's check. */
  open(sealed: string): OidcLoginState | null {
    try {
      const state: unknown = JSON.parse(this.box.decrypt(Buffer.from(sealed, 'base64url').toString('utf8')));
      return isLoginState(state) ? state : null;
    } catch {
      return null;
    }
  }
}
