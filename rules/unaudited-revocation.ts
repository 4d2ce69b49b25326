import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'unaudited-revocation',
    name: 'UnauditedRevocation',
    level: 'warning',
    description: 'Require token revocations to be recorded with who revoked what and why',
    fullDescription:
      'Finds code that adds a token to a denylist (Set/array/Map `add`/`push`/`set`, Redis ' +
      '`sadd`/`set`/`setex`/`hset`, ORM `create`/`insert`/`upsert`/`save` on a store named ' +
      'like a denylist: blacklist, denylist, blocklist, revoked, banned, invalidated) in a ' +
      'function that records nothing — no log, metric or audit call in it, in the project ' +
      'helpers it calls, or in every function that calls it.',
    rationale:
      'Revocation is a security decision: a logout, a password change, an administrator ' +
      'locking an account, an automated response to suspected theft. Without an audit ' +
      'record of who revoked which token and why, an incident cannot be reconstructed, a ' +
      'malicious or mistaken mass revocation goes unnoticed, and a later hit on the ' +
      'denylist cannot be tied back to its cause (OWASP A09:2021, CWE-778).',
    remedy:
      'Write an audit record next to the revocation: who (the acting user or ' +
      'administrator), what (the token id `jti` and its subject, never the token itself) ' +
      'and why (logout, password change, admin action), with a structured logger or your ' +
      'audit-log service.',
    examples: {
      bad: `async function logout(req, res) {
  await redis.set(\`revoked:\${req.auth.jti}\`, '1', 'EX', ttl);
  res.sendStatus(204);
}`,
      good: `async function logout(req, res) {
  await redis.set(\`revoked:\${req.auth.jti}\`, '1', 'EX', ttl);
  logger.info({ jti: req.auth.jti, sub: req.auth.sub, reason: 'logout' }, 'token revoked');
  res.sendStatus(204);
}`,
    },
    cwe: [778],
    tags: ['security', 'jwt', 'logging', 'revocation', 'audit'],
    precision: 'medium',
    securitySeverity: 4.3,
    messages: {
      unaudited:
        "'{{call}}' adds a token to denylist '{{store}}' without recording who revoked it or why.",
    },
  },
  check({ facts, report, each }) {
    each(facts.denylists.writes, (w) => {
      if (w.audited) return;
      report({ at: w, messageId: 'unaudited', data: { call: w.label, store: w.store } });
    });
  },
});
