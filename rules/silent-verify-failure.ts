import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'silent-verify-failure',
    name: 'SilentVerifyFailure',
    level: 'error',
    description: 'Require JWT verification failures to be logged, measured or propagated',
    fullDescription:
      'Finds JWT verifications (jsonwebtoken, jose, fast-jwt, @nestjs/jwt, @fastify/jwt, ' +
      'hono/jwt, and project functions wrapping them) whose failure path — the catch, the ' +
      '.catch() handler or the callback error branch — rejects the request without any log, ' +
      'metric or error report, or propagates the error to a handler that answers it without one ' +
      "(error middleware that logs only 5xx, NestJS's default filter, Koa's and Hono's defaults " +
      'for 4xx errors). Middleware that verifies for you (express-jwt, koa-jwt, hono jwt(), ' +
      'passport-jwt strategies) is judged the same way, once, at its construction.',
    rationale:
      'Attackers brute-force signatures, replay expired or forged tokens and probe ' +
      'algorithms exactly where failed verifications leave no trace. Without a record of ' +
      'failures there is no alert on a spike of invalid tokens, and no evidence afterwards ' +
      '(OWASP A09:2021, Security Logging and Monitoring Failures).',
    remedy:
      'Record every verification failure before rejecting: log it with a structured logger ' +
      '(reason, route, client address — never the token itself), count it in a metric, or ' +
      'pass the error on with `next(err)` / `throw` so an error handler records it.',
    examples: {
      bad: `try {
  req.user = jwt.verify(token, process.env.JWT_SECRET);
  next();
} catch (err) {
  return res.status(401).json({ error: 'Invalid token' });
}`,
      good: `try {
  req.user = jwt.verify(token, process.env.JWT_SECRET);
  next();
} catch (err) {
  logger.warn({ reason: err.name, path: req.path, ip: req.ip }, 'JWT verification failed');
  return res.status(401).json({ error: 'Invalid token' });
}`,
    },
    cwe: [778, 223],
    tags: ['security', 'jwt', 'logging', 'owasp-a09'],
    precision: 'high',
    securitySeverity: 6.5,
    messages: {
      silent: "Failure of JWT verification '{{call}}' is handled without a log, metric or rethrow.",
      ignored:
        "JWT verification '{{call}}' passes a callback that never reads its error parameter.",
    },
  },
  check({ facts, report, each }) {
    each(facts.verifications, (v) => {
      if (v.monitored || v.path.failOpen) return; // fail-open-verify reports those
      const ignored = v.path.kind === 'callback-ignored';
      report({
        at: v,
        messageId: ignored ? 'ignored' : 'silent',
        data: { call: v.label },
        related: [
          {
            file: v.file,
            span: v.path.span,
            label: ignored ? 'callback ignoring the error' : 'failure path without monitoring',
          },
          ...(v.answeredBy ? [v.answeredBy] : []),
        ],
      });
    });
  },
});
