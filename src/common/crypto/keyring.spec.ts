import { legacySeal } from '../../../test/helpers/legacy-seal';
import { KeyRing } from './crypto';

describe('KeyRing', () => {
  const oldKey = Buffer.alloc(32, 1);
  const newKey = Buffer.alloc(32, 2);

  it('names the key in every ciphertext and opens what it sealed', () => {
    const box = new KeyRing(newKey).box('secrets-at-rest');
    const sealed = box.encrypt('stream-key-1234');
    expect(sealed.startsWith(`v2:${KeyRing.keyId(newKey)}:`)).toBe(true);
    expect(sealed.startsWith(box.currentPrefix)).toBe(true);
    expect(KeyRing.keyId(newKey)).toMatch(/^[0-9a-f]{8}$/);
    expect(KeyRing.keyId(newKey)).not.toBe(KeyRing.keyId(oldKey));
    expect(box.decrypt(sealed)).toBe('stream-key-1234');
  });

  it('after a rotation opens what the previous key sealed, in both formats, and seals with the new key', () => {
    const before = new KeyRing(oldKey).box('secrets-at-rest');
    const sealedV2 = before.encrypt('old secret');
    const sealedV1 = legacySeal(oldKey, 'older secret');
    expect(before.decrypt(sealedV1)).toBe('older secret');

    const rotated = new KeyRing(newKey, [oldKey]).box('secrets-at-rest');
    expect(rotated.decrypt(sealedV2)).toBe('old secret');
    expect(rotated.decrypt(sealedV1)).toBe('older secret');
    expect(sealedV2.startsWith(rotated.currentPrefix)).toBe(false);
    expect(rotated.encrypt('x').startsWith(`v2:${KeyRing.keyId(newKey)}:`)).toBe(true);

    // Once the old key is dropped, its ciphertexts no longer open, with a message naming the key id.
    const dropped = new KeyRing(newKey).box('secrets-at-rest');
    expect(() => dropped.decrypt(sealedV2)).toThrow(KeyRing.keyId(oldKey));
    expect(() => dropped.decrypt(sealedV1)).toThrow();
  });

  it('binds each ciphertext to its purpose: a secret at rest is not an OIDC state, and states have no legacy format', () => {
    const keys = new KeyRing(newKey);
    const secret = keys.box('secrets-at-rest').encrypt('{"tid":"x"}');
    expect(() => keys.box('oidc-state').decrypt(secret)).toThrow();
    expect(() => keys.box('oidc-state').decrypt(legacySeal(newKey, '{"tid":"x"}'))).toThrow();
    const state = keys.box('oidc-state').encrypt('s');
    expect(() => keys.box('secrets-at-rest').decrypt(state)).toThrow();
  });

  it('refuses altered, truncated and unknown ciphertexts', () => {
    const box = new KeyRing(newKey).box('secrets-at-rest');
    const sealed = box.encrypt('value');
    const [format, kid, payload] = sealed.split(':');
    const raw = Buffer.from(payload, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.decrypt(`${format}:${kid}:${raw.toString('base64')}`)).toThrow();
    expect(() => box.decrypt(`${format}:${kid}:${Buffer.from(payload, 'base64').subarray(0, 20).toString('base64')}`)).toThrow();
    expect(() => box.decrypt('v3:abc')).toThrow('unknown secret format');
    expect(() => new KeyRing(Buffer.alloc(16))).toThrow();
  });
});
