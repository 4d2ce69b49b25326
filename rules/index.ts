/**
 * The registry: every rule, by id, sorted. Explicit on purpose — no discovery at runtime.
 * A conventions test checks that it matches `rules/*.ts` and `fixtures/*`.
 */
import type { Rule } from '../src/rule.js';
import failOpenVerify from './fail-open-verify.js';
import invalidSuppression from './invalid-suppression.js';
import missingRateLimit from './missing-rate-limit.js';
import silentVerifyFailure from './silent-verify-failure.js';
import tokenInLogs from './token-in-logs.js';
import unauditedRevocation from './unaudited-revocation.js';
import unclassifiedVerifyFailure from './unclassified-verify-failure.js';
import unloggedRevocationHit from './unlogged-revocation-hit.js';
import unmonitoredLoginFailure from './unmonitored-login-failure.js';
import unmonitoredRefresh from './unmonitored-refresh.js';

export const RULES: Readonly<Record<string, Rule>> = {
  'fail-open-verify': failOpenVerify as Rule,
  'invalid-suppression': invalidSuppression as Rule,
  'missing-rate-limit': missingRateLimit as Rule,
  'silent-verify-failure': silentVerifyFailure as Rule,
  'token-in-logs': tokenInLogs as Rule,
  'unaudited-revocation': unauditedRevocation as Rule,
  'unclassified-verify-failure': unclassifiedVerifyFailure as Rule,
  'unlogged-revocation-hit': unloggedRevocationHit as Rule,
  'unmonitored-login-failure': unmonitoredLoginFailure as Rule,
  'unmonitored-refresh': unmonitoredRefresh as Rule,
};
