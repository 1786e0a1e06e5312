import { createCipheriv, randomBytes } from 'node:crypto';

/** A secret sealed as the server did before key ids (`v1:`): AES-256-GCM under ENCRYPTION_KEY itself. */
export function legacySeal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}
