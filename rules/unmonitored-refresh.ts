import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'unmonitored-refresh',
    name: 'UnmonitoredRefresh',
    level: 'error',
    description: 'Require token refresh endpoints to record each refresh',
    fullDescription:
      'Finds token-refresh handlers — routes whose path mentions refresh, or handlers that ' +
      'verify a refresh token and then sign a new token — that issue new tokens while ' +
      'nothing on their success path logs, measures or records the refresh (following ' +
      'helpers across files).',
    rationale:
      'A stolen refresh token is a long-lived key to the account: every use mints fresh ' +
      'access tokens. If refreshes leave no record, a token replayed from another country, ' +
      'a refresh storm from one client or a reused rotated token cannot be seen or ' +
      'investigated (OWASP A09:2021, CWE-778).',
    remedy:
      'Record each successful refresh with who and from where: a structured log line (user ' +
      'id, token id / family, client address, user agent), a metric you can alert on, or ' +
      'usage tracking on the stored token (`lastUsedAt`, rotation counter). Never log the ' +
      'tokens themselves.',
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
    each(facts.refreshEndpoints, (e) => {
      if (e.recorded) return;
      if (e.kind === 'route')
        report({ at: e, messageId: 'unmonitored', data: { route: e.route }, related: e.related });
      else report({ at: e, messageId: 'unmonitoredHandler', data: { name: e.name } });
    });
  },
});
