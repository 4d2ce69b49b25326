import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'unlogged-revocation-hit',
    name: 'UnloggedRevocationHit',
    level: 'error',
    description: 'Require a log, metric or alert when a revoked token is presented',
    fullDescription:
      'Finds checks of a token\'s revocation state whose "token is revoked" branch rejects the' +
      ' request without a log, metric, error report or rethrow: token denylist lookups — a ' +
      'Set/Map/array, Redis key, ORM model or project function named like a denylist ' +
      '(blacklist, denylist, blocklist, revoked, banned, invalidated), express-jwt / koa-jwt ' +
      '`isRevoked` and @fastify/jwt `trusted` callbacks; revocation fields of token and ' +
      'session rows (`revoked`, `revokedAt`, `isValid`, `blacklisted`...) read in a condition' +
      " or used as a query filter (`revokedAt: IsNull()`, `.whereNull('revoked_at')`); and " +
      "server-side session or refresh-token records looked up by the token's `sid` / `jti` / " +
      'value (or a stored hash compared with the presented token) whose not-found branch ' +
      'rejects.',
    rationale:
      'A revoked token that is presented again is the strongest signal of token theft: its ' +
      'owner logged out, changed a password or was locked out, and someone still holds the ' +
      'token. Rejecting it silently stops that one request but hides the attack, so nobody ' +
      'investigates the stolen credential or the account behind it (OWASP A09:2021, ' +
      'CWE-778).',
    remedy:
      'Record every hit before rejecting: log it at warning level with the token id ' +
      '(`jti`), the user id, the route and the client address (never the token itself), ' +
      'count it in a metric you alert on, or report it to your security monitoring. For ' +
      'express-jwt / koa-jwt `isRevoked` and @fastify/jwt `trusted`, log inside the ' +
      'callback when it answers "revoked".',
    examples: {
      bad: `if (await redis.exists(\`revoked:\${payload.jti}\`)) {
  return res.status(401).json({ error: 'Token revoked' });
}`,
      good: `if (await redis.exists(\`revoked:\${payload.jti}\`)) {
  logger.warn({ jti: payload.jti, sub: payload.sub, ip: req.ip }, 'revoked token presented');
  return res.status(401).json({ error: 'Token revoked' });
}`,
    },
    cwe: [778, 223],
    tags: ['security', 'jwt', 'logging', 'revocation', 'owasp-a09'],
    precision: 'high',
    securitySeverity: 6.5,
    messages: {
      unlogged:
        "Revoked token found by '{{call}}' (denylist '{{store}}') is rejected without a " +
        'log, metric or alert.',
      unloggedCheck:
        "Revoked token found by '{{call}}' is rejected without a log, metric or alert.",
      unloggedField:
        "Revoked token found by '{{call}}' (revocation field '{{store}}') is rejected " +
        'without a log, metric or alert.',
      unloggedAllowlist:
        "Revoked or replayed token found by '{{call}}' (server-side session or " +
        "refresh-token record, '{{store}}') is rejected without a log, metric or alert.",
    },
  },
  check({ facts, report, each }) {
    each(facts.denylists.hits, (hit) => {
      if (hit.monitored) return;
      report({
        at: hit,
        messageId:
          hit.state === 'field'
            ? 'unloggedField'
            : hit.state === 'allowlist'
              ? 'unloggedAllowlist'
              : hit.label.endsWith(hit.store)
                ? 'unloggedCheck'
                : 'unlogged',
        data: { call: hit.label, store: hit.store },
        related: [hit.rejection],
      });
    });
  },
});
