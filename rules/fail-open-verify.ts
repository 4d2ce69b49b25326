import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'fail-open-verify',
    name: 'FailOpenVerify',
    level: 'error',
    description: 'Disallow JWT verification failures that let the request through without a trace',
    fullDescription:
      'Finds JWT verifications whose failure path is not monitored and lets the request ' +
      'continue: `next()` without the error, `return true`, a fallback or anonymous user ' +
      'assigned before carrying on, or an empty catch followed by the protected work.',
    rationale:
      'This is the worst way a verification can fail: a forged, expired or revoked token ' +
      'is neither rejected nor recorded, so the protected code runs for an attacker and ' +
      'nobody can tell afterwards (CWE-636: Not Failing Securely; OWASP A07/A09).',
    remedy:
      'Reject the request when verification fails (401), or — for an optional-auth ' +
      'middleware that deliberately continues as anonymous — log the failed verification ' +
      'before continuing, so abuse stays visible.',
    examples: {
      bad: `function authenticate(req, res, next) {
  try {
    req.user = jwt.verify(req.headers.authorization?.slice(7), secret);
  } catch {}
  next();
}`,
      good: `function authenticate(req, res, next) {
  try {
    req.user = jwt.verify(req.headers.authorization?.slice(7), secret);
    next();
  } catch (err) {
    req.log.warn({ reason: err.name }, 'rejected invalid JWT');
    res.status(401).end();
  }
}`,
    },
    cwe: [636, 778],
    tags: ['security', 'jwt', 'authentication', 'owasp-a07'],
    precision: 'high',
    securitySeverity: 8.1,
    messages: {
      failOpen:
        "Failure of JWT verification '{{call}}' is not monitored and the request goes on: " +
        'the failure path {{reason}}.',
    },
  },
  check({ facts, report, each }) {
    each(facts.verifications, (v) => {
      if (v.monitored || !v.path.failOpen) return;
      report({
        at: v,
        messageId: 'failOpen',
        data: { call: v.label, reason: v.path.failOpen },
        related: [
          { file: v.file, span: v.path.span, label: 'failure path that lets the request through' },
        ],
      });
    });
  },
});
