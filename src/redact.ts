/**
 * Reports end up in CI logs, PR annotations and code-scanning UIs, which are far more widely
 * readable than the code itself. A JWT that appears in a message or a snippet (a hard-coded test
 * token, a token pasted into a comment) is a live credential until it expires, so every reporter
 * strips them.
 */

/**
 * A compact JWS (`header.payload.signature`, signature empty for `alg: none`) or JWE
 * (`header.key.iv.ciphertext.tag`, key empty for `dir`), whose protected header is base64url JSON
 * and therefore starts `eyJ` (`{"`). Not preceded by another base64url character, so `xeyJ…` inside
 * a longer identifier-like run is left alone.
 */
const B64URL = '[A-Za-z0-9_-]';
const JWT_PATTERN = new RegExp(
  `(?<!${B64URL})eyJ${B64URL}+\\.${B64URL}*\\.${B64URL}*(?:\\.${B64URL}+\\.${B64URL}+)?`,
  'g',
);

export const REDACTED_JWT = 'eyJ…[redacted]';

/** Replaces anything that looks like a JWT with `eyJ…[redacted]`. Idempotent. */
export function redactJwts(s: string): string {
  return s.replace(JWT_PATTERN, REDACTED_JWT);
}
