/**
 * Names that say a token's revocation state lives on a record or a server-side allowlist (SPEC
 * `unlogged-revocation-hit` (b) and (c)): revocation fields of a token or session row, the token
 * claims and values an allowlist is keyed by, and the look-alikes that are not about tokens at
 * all (an e-mail confirmation code, a CSRF token, a password).
 */

/**
 * Raw-text pre-filter: a file that spells none of these has no revocation state to read.
 * (No capturing groups: text-signals.ts merges the families.)
 */
export const REVOCATION_STATE_TEXT =
  /revoked|is_?valid|is_?active|invalidated|\bsid\b|jti|session|refresh|renew/i;

/** A field whose truthy value means revoked: `revoked`, `revokedAt`, `is_revoked`... */
export const REVOKED_FIELD =
  /^(is_?)?(revoked|blacklisted|invalidated|black_?listed)(_?at)?$|^revoked_?(on|date|time)$/i;

/** A field whose truthy value means live: `isValid`, `is_active` (on a token or session row). */
export const LIVE_FIELD = /^(is_?)?(valid|active)$/i;

/** A record or store that holds tokens or sessions. */
export const TOKEN_RECORD = /token|session|refresh|grant|jti|renew|^rt$|^row$|^stored/i;

/** A claim of a verified token that names its session or itself. */
export const CLAIM_NAME = /^(sid|jti|session_?id|token_?id|family(_?id)?|refresh_?token_?id)$/i;

/** A refresh token value (presented, stored or hashed). */
export const REFRESH_NAME = /refresh|renew|^rt$|hashed_?rt|^rt_?hash$/i;

/** A token value that keys an allowlist: `{ token }`, `{ tokenHash }`, `{ hash }`. */
export const TOKEN_VALUE_NAME = /^(token|token_?hash|hashed_?token|hash)$/i;

/** Tokens and secrets that are not sessions: one-time codes, CSRF, invitations, API keys. */
export const NOT_SESSION_TOKEN = new RegExp(
  [
    'csrf|xsrf|reset|verif|confirm|invit|activat|magic|otp|email|password',
    'passwd|api_?key|apikey|nonce|oauth|push|fcm|device|unsubscribe|share',
    'upload|signup|register|provider',
  ].join('|'),
  'i',
);

/** Lookups and updates of a row or key: the calls an allowlist is read through. */
export const ALLOWLIST_CALL = new RegExp(
  [
    '^(find|get|fetch|load|lookup|read|exists?$|count|hget|sismember|zscore',
    'update|swap|consume|use[A-Z]|rotate|take|pop|first$|delete|remove|where$',
    'limit$|execute$)',
  ].join('|'),
);

/** Calls whose names say they read the request, verify or sign: never an allowlist lookup. */
export const NOT_A_LOOKUP = new RegExp(
  [
    'verify|decode|sign|parse|validate|cookie|header|param|query|body|env',
    'config|setting|option|authenticate|jwt|payload|claim|^fetch$|url|request',
  ].join('|'),
  'i',
);

/** HTTP clients and URLs: a call to another service, not a store. */
export const HTTP_CLIENT = /axios|^https?$|^got$|^ky$|superagent|url$|uri$|endpoint|href/i;

/** Receivers that are the request, the response or configuration, not a store. */
export const REQUEST_LIKE = new RegExp(
  [
    '^(req|request|ctx|context|c|event|evt|headers|cookies|cookieStore',
    'searchParams|query|params|body|res|response|reply|config|configService',
    'process|env|localStorage|sessionStorage|url|formData|form|payload',
    'decoded|claims|options|opts|args|jwt|jose|jwtService|window|document)$',
  ].join('|'),
);

/** Hash comparisons a stored refresh token is checked with. */
export const HASH_COMPARE_MODULES = new Set([
  'bcrypt',
  'bcryptjs',
  'argon2',
  '@node-rs/argon2',
  '@node-rs/bcrypt',
  'crypto',
  'node:crypto',
]);
export const HASH_COMPARE_CALL = /^(compare|compareSync|verify|timingSafeEqual)$/;
