import { defineRule } from '../src/rule.js';
import { registrations, routeLabel } from '../src/analysis/project/registrations.js';
import type { FnRef } from '../src/analysis/project/call-graph.js';
import type { Rejection } from '../src/analysis/file/types.js';
import type { Span } from '../src/analysis/file/ast.js';

export default defineRule({
  meta: {
    id: 'unmonitored-login-failure',
    name: 'UnmonitoredLoginFailure',
    level: 'warning',
    description: 'Require failed logins to be logged or measured',
    fullDescription:
      'Finds the bad-credentials branches (user not found, password mismatch) of login handlers — routes whose path names login/sign-in/authenticate, or handlers that compare a password and sign a token, including the services they call — that reject the request without a log, metric or alert. Throwing `UnauthorizedException` or answering 401 is the rejection itself, not monitoring.',
    rationale:
      'Failed logins are the brute-force and credential-stuffing signal. Frameworks do not log a 401 they were told to send, so a login that fails silently leaves no trail to alert on, to block an address by, or to investigate an account takeover with afterwards (OWASP A09:2021, CWE-778).',
    remedy:
      'Log every rejected login before answering — the reason (unknown user, wrong password), the account identifier (or a hash of it), the client address — or count it in a metric with a reason label. One helper (`recordFailedLogin()`) called from every failure branch keeps it consistent.',
    examples: {
      bad: `const user = await User.findOne({ email });
if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
  return res.status(401).json({ error: 'Invalid credentials' });
}`,
      good: `const user = await User.findOne({ email });
if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
  logger.warn({ email: hash(email), ip: req.ip, reason: user ? 'bad-password' : 'unknown-user' }, 'login failed');
  return res.status(401).json({ error: 'Invalid credentials' });
}`,
    },
    cwe: [778, 223],
    tags: ['security', 'authentication', 'logging', 'owasp-a09'],
    precision: 'medium',
    securitySeverity: 4.3,
    messages: {
      user: 'Login failure for an unknown user on {{route}} is rejected without a log or metric.',
      password:
        'Login failure for a wrong password on {{route}} is rejected without a log or metric.',
    },
  },
  check({ facts, report, each }) {
    const { routes, endpoints, graph } = facts;
    const reported = new Set<string>();
    const logins: Array<{
      label: string;
      functions: FnRef[];
      file: string;
      span: Span;
      related: { file: string; span: Span; label: string };
    }> = [];
    for (const instances of registrations(routes.routes)) {
      const route = instances[0];
      if (endpoints.isLogin(route))
        logins.push({
          label: routeLabel(route),
          functions: route.functions,
          file: route.file,
          span: route.span,
          related: { file: route.file, span: route.span, label: 'login route registered here' },
        });
    }
    for (const f of facts.files.values()) {
      for (const s of f.routes.loginStrategies)
        logins.push({
          label:
            s.library === 'feathers'
              ? 'the Feathers authentication strategy'
              : 'the passport-local strategy',
          functions: [{ file: f.file, fn: s.fn }],
          file: f.file,
          span: s.span,
          related: { file: f.file, span: s.span, label: 'login strategy declared here' },
        });
    }
    each(logins, (login) => {
      for (const { ref, rejection } of rejectionsBelow(login.functions)) {
        const k = `${ref.file}:${rejection.span.startLine}:${rejection.span.startColumn}`;
        if (reported.has(k)) continue;
        const monitored =
          rejection.monitored ||
          rejection.calls.some((t) =>
            graph
              .resolve(ref.file, t)
              .some((r) => r.kind === 'fn' && routes.reaches(r.ref, (_fn, h) => !!h?.logs)),
          );
        if (monitored) continue;
        reported.add(k);
        report({
          file: ref.file,
          span: rejection.span,
          messageId: rejection.what,
          data: { route: login.label },
          related: [login.related],
          scope: graph.fn(ref)?.name ?? '<anonymous>',
          code: `${rejection.what} rejection`,
        });
      }
    });

    /** Rejections in the chain's functions and in what they call (3 levels). */
    function rejectionsBelow(start: readonly FnRef[]): Array<{ ref: FnRef; rejection: Rejection }> {
      const out: Array<{ ref: FnRef; rejection: Rejection }> = [];
      const seen = new Set<number>();
      const visit = (ref: FnRef, depth: number) => {
        const k = graph.refKey(ref);
        if (seen.has(k) || depth > 3) return;
        seen.add(k);
        const fn = graph.fn(ref);
        if (!fn) return;
        for (const rejection of fn.handler?.rejections ?? []) out.push({ ref, rejection });
        for (const t of fn.calls)
          for (const r of graph.resolve(ref.file, t)) if (r.kind === 'fn') visit(r.ref, depth + 1);
      };
      for (const ref of start) visit(ref, 0);
      return out;
    }
  },
});
