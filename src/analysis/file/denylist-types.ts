/**
 * What one file says about token denylists: plain data (src/analysis/file/denylists.ts reads
 * it).
 */
import type { Span } from './ast.js';
import type { CallTarget } from './call-targets.js';

export interface DenylistLookupFact {
  /** The lookup call. */
  span: Span;
  /** The call as written: `revokedTokens.has`, `redis.exists`, `this.tokens.isBlacklisted`. */
  label: string;
  /**
   * The denylist-like name that made it a lookup (`revokedTokens`, `revoked:`), or the callback's
   * call.
   */
  store: string;
  how: 'collection' | 'key' | 'function' | 'callback' | 'field' | 'allowlist';
  /** Enclosing function id, or -1 at module level. */
  fn: number;
  /** The lookup is a call into project code (`isRevoked()` in another file). */
  target?: CallTarget;
  outcome: 'rejects' | 'returns' | 'other';
  /** For `returns`: the value the function hands back when the token is revoked. */
  revokedValue?: boolean;
  /** The rejecting branch (for `rejects`). */
  branch?: Span;
  /** Monitoring seen on the revoked path (labels) and project calls made on it. */
  evidence: string[];
  calls: CallTarget[];
  /** The revoked path throws or forwards an error: monitored where it ends recorded. */
  propagates?: 'auth' | 'plain';
  scope: string;
  code: string;
}

export interface RevocationOptionFact {
  /** The `isRevoked: ...` / `trusted: ...` property. */
  span: Span;
  library: 'express-jwt' | 'koa-jwt' | '@fastify/jwt';
  option: 'isRevoked' | 'trusted';
  /** The callback: a function of this file, or an export of another module. */
  target?: CallTarget;
}

export interface DenylistWriteFact {
  span: Span;
  label: string;
  store: string;
  fn: number;
  scope: string;
  code: string;
}

export interface DenylistFileFacts {
  lookups: DenylistLookupFact[];
  options: RevocationOptionFact[];
  writes: DenylistWriteFact[];
}
