import { AppException } from '../errors/app.exception';

/** Serialized size of a JSON value in bytes (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A 400 naming `field` when `value`, serialized, is larger than `maxBytes` (a stored document, a patched one). */
export function assertJsonSize(field: string, value: unknown, maxBytes: number): void {
  if (jsonBytes(value) > maxBytes) throw AppException.invalidField(field, `${field} must be at most ${maxBytes} bytes of JSON`, 'tooLarge');
}
