import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'unclassified-verify-failure',
    name: 'UnclassifiedVerifyFailure',
    level: 'note',
    description: 'Require monitored JWT verification failures to record why verification failed',
    fullDescription:
      'Finds JWT verification failure paths that are monitored but record no reason: no ' +
      'monitoring call receives the error (its name, message, code or the error object), ' +
      'and no branch tells TokenExpiredError, NotBeforeError, JsonWebTokenError or jose ' +
      'ERR_JWT_* codes apart.',
    rationale:
      'An expired session and a forged signature are different events: one is routine, the ' +
      'other an attack. When both are logged as "invalid token", dashboards and alerts ' +
      'cannot separate a signature brute-force from users whose sessions timed out ' +
      '(CWE-778).',
    remedy:
      'Pass the error, or at least its `name` / `code`, to the log or metric ' +
      '(`logger.warn({ reason: err.name })`, `counter.add(1, { reason: err.code })`), or ' +
      'branch on the error type and record each case.',
    examples: {
      bad: `} catch (err) {
  logger.warn('invalid token');
  return res.sendStatus(401);
}`,
      good: `} catch (err) {
  logger.warn({ reason: err.name, message: err.message }, 'invalid token');
  return res.sendStatus(401);
}`,
    },
    cwe: [778],
    tags: ['security', 'jwt', 'logging', 'observability'],
    precision: 'medium',
    securitySeverity: 3.1,
    messages: {
      unclassified:
        "Failure of JWT verification '{{call}}' is monitored without recording why it " +
        'failed (the error is never passed on or inspected).',
    },
  },
  check({ facts, report, each }) {
    each(facts.verifications, (v) => {
      if (!v.monitored || v.touchesError || v.path.classifies) return;
      report({
        at: v,
        messageId: 'unclassified',
        data: { call: v.label },
        related: [{ file: v.file, span: v.path.span, label: 'failure path recording no reason' }],
      });
    });
  },
});
