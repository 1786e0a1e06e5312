const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|key_?hash|hash|credential|private|stream_?key|pin$/i;

/** Deep copy of `value` with every secret-looking member replaced, for the audit log. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined ? '[redacted]' : redactSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}
