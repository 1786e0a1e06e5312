import { randomInt } from 'node:crypto';

/**
 * A random code of `length` characters drawn uniformly from `alphabet` with `crypto.randomInt`
 * (join codes, invite codes). Pick an alphabet without look-alikes for codes people type.
 */
export function randomCode(alphabet: string, length: number): string {
  if (alphabet.length < 2 || length < 1) throw new Error('randomCode needs an alphabet of 2 or more characters and a length of 1 or more');
  let code = '';
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/**
 * Draws codes with `draw` until `insert` accepts one (answers non-null: the code was free) or
 * `attempts` draws were refused (null: the caller decides what exhaustion means). With a code
 * space far larger than the codes in use, a refusal is rare and a second draw almost always wins.
 */
export async function withFreshCode<T>(draw: () => string, insert: (code: string) => Promise<T | null>, attempts = 10): Promise<T | null> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const inserted = await insert(draw());
    if (inserted !== null) return inserted;
  }
  return null;
}
