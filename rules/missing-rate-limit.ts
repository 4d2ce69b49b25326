import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'missing-rate-limit',
    name: 'MissingRateLimit',
    level: 'warning',
    description: 'Require a rate limiter in front of authentication endpoints',
    fullDescription:
      'Finds authentication endpoints with no rate limiter on the route, on the router before ' +
      'it, on the path it is mounted under, on the app, or inside the handler before the auth ' +
      'work. An auth endpoint is a route whose handler, followed across files, issues a token or ' +
      'checks, sets or sends a secret (a password, a one-time code, a reset or magic link, a ' +
      'refresh token, a passport sign-in strategy); path words (login, token, refresh, reset, ' +
      'register, OTP/MFA...) decide only where the handler cannot be followed. Routes behind ' +
      'authentication (unless they check a second secret such as the current password), OAuth ' +
      'starts that only redirect, and test-only routes are not auth endpoints. Express, Fastify, ' +
      'Koa, NestJS, Next.js and Hono routes are followed across files, with limiters placed as ' +
      'each framework applies them.',
    rationale:
      'Without a limit, an attacker can try passwords, one-time codes, reset tokens and ' +
      'stolen refresh tokens as fast as the server answers. Rate limiting turns credential ' +
      'stuffing and brute force into a slow, visible trickle, and its rejections are the ' +
      'signal monitoring alerts on (OWASP A07:2021, CWE-307).',
    remedy:
      'Put a limiter in front of every auth endpoint: `express-rate-limit` on the auth ' +
      'router (`app.use("/auth", authLimiter, authRouter)`), `@fastify/rate-limit` ' +
      'registered on the instance or `config.rateLimit` on the route, `ThrottlerGuard` ' +
      'globally in NestJS, or a limiter call at the top of a Next.js/serverless handler ' +
      '(`await ratelimit.limit(ip)`). If a gateway or WAF limits these routes, say so with ' +
      '`rateLimitedUpstream` in the config.',
    examples: {
      bad: `const router = express.Router();
router.post('/login', async (req, res) => {
  const user = await users.check(req.body.email, req.body.password);
  res.json({ token: jwt.sign({ sub: user.id }, secret) });
});
app.use('/auth', router);`,
      good: `const authLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 10 });
const router = express.Router();
router.post('/login', async (req, res) => { /* ... */ });
app.use('/auth', authLimiter, router);`,
    },
    cwe: [307, 770],
    tags: ['security', 'jwt', 'rate-limiting', 'owasp-a07'],
    precision: 'medium',
    securitySeverity: 5.3,
    messages: {
      missing: 'Auth endpoint {{route}} ({{reason}}) has no rate limiter in front of it.',
    },
  },
  check({ facts, config, report, each }) {
    if (config.rateLimitedUpstream) return;
    each(facts.authEndpoints, (e) => {
      if (e.limited) return;
      report({
        at: e,
        messageId: 'missing',
        data: { route: e.route, reason: e.reason },
        related: e.related,
      });
    });
  },
});
