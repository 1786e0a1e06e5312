/** class-transformer `@Transform` functions for request DTOs: strings are changed, anything else reaches validation as sent. */
type TransformArgs = { value: unknown };

/** Surrounding whitespace dropped (names, addresses, URLs as typed). */
export const trim = ({ value }: TransformArgs): unknown => (typeof value === 'string' ? value.trim() : value);

/** Trimmed and lowercased: addresses compared as the tables store them (invitations). */
export const trimLowercase = ({ value }: TransformArgs): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);
