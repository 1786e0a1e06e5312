import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex digest: how refresh tokens, API keys and one-time tokens are stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A random URL-safe token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** What a derived key is for: a ciphertext made for one purpose never opens for another. */
export type KeyPurpose = 'secrets-at-rest' | 'oidc-state';

const FORMAT = 'v2';
/** Ciphertexts written before key ids: AES-256-GCM under ENCRYPTION_KEY itself, `v1:<base64(iv|tag|body)>`. */
const LEGACY_FORMAT = 'v1';
/** Purposes whose ciphertexts may still be in the legacy format (stored before key ids existed). */
const LEGACY_PURPOSES: ReadonlySet<KeyPurpose> = new Set(['secrets-at-rest']);

interface RingKey {
  id: string;
  raw: Buffer;
}

/**
 * ENCRYPTION_KEY and the keys it replaced (ENCRYPTION_KEYS_PREVIOUS). Each use gets its own subkey,
 * derived with HKDF-SHA256 under a purpose label, and every ciphertext names the key it was made with
 * (a key id: the first 8 hex digits of a hash of the key), so the key can be rotated: new ciphertexts
 * use the current key, old ones still open with a previous key until they are sealed again
 * (`npm run secrets:reencrypt`, docs/security.md).
 */
export class KeyRing {
  private readonly keys: RingKey[];

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.keys = [current, ...previous].map((raw) => {
      if (raw.length !== 32) throw new Error('encryption keys are 32 bytes');
      return { id: KeyRing.keyId(raw), raw };
    });
  }

  /** The id written into ciphertexts: it names the key without revealing anything usable about it. */
  static keyId(raw: Buffer): string {
    return Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), 'collab key id', 4)).toString('hex');
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  box(purpose: KeyPurpose): SecretBox {
    return new SecretBox(purpose, this.keys);
  }
}

/**
 * AES-256-GCM for one purpose (secrets at rest: OIDC client secrets, stream keys, SIP PINs, viz tokens;
 * the OIDC login state). Writes `v2:<key id>:<base64(iv|tag|body)>` with the purpose's subkey of the
 * current key; reads any key of the ring, and the legacy `v1:` format where the purpose had one.
 */
export class SecretBox {
  private readonly subkeys = new Map<string, Buffer>();

  constructor(
    private readonly purpose: KeyPurpose,
    private readonly keys: readonly RingKey[],
  ) {
    for (const key of keys) this.subkeys.set(key.id, Buffer.from(hkdfSync('sha256', key.raw, Buffer.alloc(0), `collab ${purpose}`, 32)));
  }

  encrypt(plain: string): string {
    const kid = this.keys[0].id;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subkeys.get(kid)!, iv).setAAD(this.aad(kid));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${FORMAT}:${kid}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(sealed: string): string {
    const parts = sealed.split(':');
    if (parts[0] === FORMAT && parts.length === 3) {
      const key = this.subkeys.get(parts[1]);
      if (!key) throw new Error(`sealed with an unknown key (${parts[1]}): is it in ENCRYPTION_KEYS_PREVIOUS?`);
      return open(key, parts[2], this.aad(parts[1]));
    }
    if (parts[0] === LEGACY_FORMAT && parts.length === 2 && LEGACY_PURPOSES.has(this.purpose)) {
      for (const key of this.keys) {
        try {
          return open(key.raw, parts[1]);
        } catch {
          // another key of the ring, perhaps
        }
      }
      throw new Error('a legacy ciphertext that no key of the ring opens');
    }
    throw new Error('unknown secret format');
  }

  /** How every ciphertext sealed with the current key starts; anything else is worth sealing again. */
  get currentPrefix(): string {
    return `${FORMAT}:${this.keys[0].id}:`;
  }

  private aad(kid: string): Buffer {
    return Buffer.from(`${this.purpose}:${kid}`, 'utf8');
  }
}

function open(key: Buffer, payload: string, aad?: Buffer): string {
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12), { authTagLength: 16 });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Below this length, a secret is masked whole: its last four characters would give too much of it away. */
const MASK_MIN_REVEALING_LENGTH = 12;

/**
 * A secret for display: the last four characters of a long one (`••••••••abcd`), nothing of a
 * short one (`••••••••`: a PIN, a short stream key). The mask has the same length either way.
 */
export function mask(secret: string): string {
  return `••••••••${secret.length >= MASK_MIN_REVEALING_LENGTH ? secret.slice(-4) : ''}`;
}
