import { Algorithm, hash, verify } from '@node-rs/argon2';
import { AppException } from '../errors/app.exception';
import { COMMON_PASSWORDS } from './common-passwords';

/** OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1. */
const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A hash of a random password: verified against when the user is unknown, so both answers take as long. */
let dummyHash: Promise<string> | undefined;

/** Checks `password` against `stored`; with no stored hash it burns the same time and returns false. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword(`dummy-${Math.random()}`);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/**
 * The password policy: 10 to 128 characters, not a common password, not the
 * user's e-mail or username. Violations are a 400 naming `field`.
 */
export function assertPasswordPolicy(password: string, context: { email?: string; username?: string } = {}, field = 'password'): void {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`${field} must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`${field} must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push(`${field} is too common`);
  for (const value of [context.email, context.email?.split('@')[0], context.username]) {
    if (value && value.length >= 3 && lower === value.toLowerCase()) problems.push(`${field} must not be your e-mail or username`);
  }
  if (problems.length > 0) {
    throw AppException.validation(problems.map((message) => ({ field, message, code: 'passwordPolicy' })), 'The password does not meet the password policy.');
  }
}
