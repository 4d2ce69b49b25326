import { defineRule } from '../src/rule.js';
import {
  registrations,
  mountLocations,
  routeLabel,
} from '../src/analysis/project/registrations.js';

export default defineRule({
  meta: {
    id: 'unmonitored-refresh',
    name: 'UnmonitoredRefresh',
    level: 'error',
    description: 'Require token refresh endpoints to record each refresh',
    fullDescription:
      'Finds token-refresh handlers — routes whose path mentions refresh, or handlers that verify a refresh token and then sign a new token — that issue new tokens while nothing on their success path logs, measures or records the refresh (following helpers across files).',
    rationale:
      'A stolen refresh token is a long-lived key to the account: every use mints fresh access tokens. If refreshes leave no record, a token replayed from another country, a refresh storm from one client or a reused rotated token cannot be seen or investigated (OWASP A09:2021, CWE-778).',
    remedy:
      'Record each successful refresh with who and from where: a structured log line (user id, token id / family, client address, user agent), a metric you can alert on, or usage tracking on the stored token (`lastUsedAt`, rotation counter). Never log the tokens themselves.',
    examples: {
      bad: `router.post('/refresh', async (req, res) => {
  const claims = jwt.verify(req.cookies.refresh_token, REFRESH_SECRET);
  res.json({ accessToken: jwt.sign({ sub: claims.sub }, ACCESS_SECRET, { expiresIn: '15m' }) });
});`,
      good: `router.post('/refresh', async (req, res) => {
  const claims = jwt.verify(req.cookies.refresh_token, REFRESH_SECRET);
  logger.info({ userId: claims.sub, jti: claims.jti, ip: req.ip }, 'token refreshed');
  res.json({ accessToken: jwt.sign({ sub: claims.sub }, ACCESS_SECRET, { expiresIn: '15m' }) });
});`,
    },
    cwe: [778, 223],
    tags: ['security', 'jwt', 'logging', 'owasp-a09'],
    precision: 'medium',
    securitySeverity: 5.5,
    messages: {
      unmonitored:
        'Refresh endpoint {{route}} issues new tokens without logging or recording the refresh.',
      unmonitoredHandler:
        'Refresh handler {{name}} issues new tokens without logging or recording the refresh.',
    },
  },
  check({ facts, report, each }) {
    const { routes, endpoints } = facts;
    each(registrations(routes.routes), (instances) => {
      const r = instances[0];
      if (!endpoints.isRefresh(r) || !endpoints.handlerSigns(r)) return;
      const recorded = r.functions.some((f) =>
        routes.reaches(f, (_fn, h) => !!h?.successLogs, 'success'),
      );
      if (recorded) return;
      report({
        file: r.file,
        span: r.span,
        messageId: 'unmonitored',
        data: { route: routeLabel(r) },
        related: mountLocations(r),
        scope: routeLabel(r),
        code: `${r.method} ${r.path ?? ''}`,
      });
    });
    // refresh handlers without a route: oauth2orize exchanges, GraphQL resolvers, socket handlers
    for (const ref of endpoints.routelessRefreshHandlers()) {
      if (routes.reaches(ref, (_fn, h) => !!h?.successLogs, 'success')) continue;
      const fn = facts.graph.fn(ref)!;
      const own = fn.name ?? `the callback of ${fn.handedOver}`;
      const name = fn.className && fn.name ? `${fn.className}.${fn.name}` : own;
      report({
        file: ref.file,
        span: fn.span,
        messageId: 'unmonitoredHandler',
        data: { name },
        scope: name,
        code: name,
      });
    }
  },
});
