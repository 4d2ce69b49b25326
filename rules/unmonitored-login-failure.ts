import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'unmonitored-login-failure',
    name: 'UnmonitoredLoginFailure',
    level: 'warning',
    description: 'Require failed logins to be logged or measured',
    fullDescription:
      'Finds the bad-credentials branches (user not found, password mismatch) of login ' +
      'handlers — routes whose path names login/sign-in/authenticate, or handlers that ' +
      'compare a password and sign a token, including the services they call — that reject ' +
      'the request without a log, metric or alert. Throwing `UnauthorizedException` or ' +
      'answering 401 is the rejection itself, not monitoring.',
    rationale:
      'Failed logins are the brute-force and credential-stuffing signal. Frameworks do not ' +
      'log a 401 they were told to send, so a login that fails silently leaves no trail to ' +
      'alert on, to block an address by, or to investigate an account takeover with ' +
      'afterwards (OWASP A09:2021, CWE-778).',
    remedy:
      'Log every rejected login before answering — the reason (unknown user, wrong ' +
      'password), the account identifier (or a hash of it), the client address — or count ' +
      'it in a metric with a reason label. One helper (`recordFailedLogin()`) called from ' +
      'every failure branch keeps it consistent.',
    examples: {
      bad: `const user = await User.findOne({ email });
if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
  return res.status(401).json({ error: 'Invalid credentials' });
}`,
      good:
        `const user = await User.findOne({ email });
if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
  logger.warn({ email: hash(email), ip: req.ip, ` +
        `reason: user ? 'bad-password' : 'unknown-user' }, 'login failed');
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
    each(facts.loginFailures, (f) => {
      if (f.monitored) return;
      report({ at: f, messageId: f.what, data: { route: f.login }, related: f.related });
    });
  },
});
