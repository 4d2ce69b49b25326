/**
 * Denylist recognition through the public scan() API, on in-memory files: which stores are
 * denylists (names, Redis keys, library hooks resolved by import), which look-alikes are not,
 * which way a test's polarity points, and who counts as recording a revocation.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { isCheckerName } from '../src/analysis/libraries/denylist-apis.js';
import { isDenylistName } from '../src/analysis/libraries/denylist-names.js';

const ROOT = path.resolve('/virtual/app');

function run(files: Record<string, string>, monitors: string[] = []) {
  const abs = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [path.join(ROOT, name), text]),
  );
  return scan({
    files: Object.keys(abs).sort(),
    cwd: ROOT,
    repoRoot: ROOT,
    readFile: (f) => {
      if (!(f in abs)) throw new Error(`no such file ${f}`);
      return abs[f];
    },
    config: { ...DEFAULT_CONFIG, monitors },
  });
}

/** `rule@line` for every finding of the two revocation rules. */
function found(files: Record<string, string>, monitors: string[] = []): string[] {
  const result = run(files, monitors);
  expect(result.notices.filter((n) => n.kind === 'rule-error')).toEqual([]);
  return result.findings
    .filter((f) => f.ruleId.includes('revocation'))
    .map((f) => `${f.ruleId}@${f.location.file}:${f.location.start.line}`);
}

/** A middleware rejecting with 401 when `test` is true; the test sits on line 3. */
function middleware(setup: string, test: string): string {
  return `${setup}
function check(req, res, next) {
  if (${test}) return res.status(401).json({ error: 'revoked' });
  next();
}
module.exports = check;
`;
}

describe('denylist names', () => {
  it.each([
    'revokedTokens',
    'tokenBlacklist',
    'jwt_denylist',
    'blockList',
    'bannedTokens',
    'invalidatedJtis',
    'REVOKED',
    'black-list',
  ])('%s is a denylist name', (name) => {
    expect(isDenylistName(name)).toBe(true);
  });

  it.each([
    'allowedTokens',
    'sessions',
    'tokens',
    'whitelist',
    'bannedWords',
    'blacklistedIps',
    'emailBlocklist',
    'blacklistEnabled',
    'revocationMetrics',
  ])('%s is not a token denylist name', (name) => {
    expect(isDenylistName(name)).toBe(false);
  });

  it('tells a question from a write by its words', () => {
    expect(isCheckerName('isRevoked')).toBe(true);
    expect(isCheckerName('isTokenBlacklisted')).toBe(true);
    expect(isCheckerName('checkDenylist')).toBe(true);
    expect(isCheckerName('hasBeenRevoked')).toBe(true);
    expect(isCheckerName('findRevokedToken')).toBe(true);
    expect(isCheckerName('revokeToken')).toBe(false);
    expect(isCheckerName('addToBlacklist')).toBe(false);
    expect(isCheckerName('blacklistToken')).toBe(false);
    expect(isCheckerName('isExpired')).toBe(false);
  });
});

describe('unlogged-revocation-hit: what is a lookup', () => {
  it('finds Set, Map and array lookups on denylist-named stores', () => {
    expect(
      found({
        'a.js': middleware('const revokedTokens = new Set();', 'revokedTokens.has(req.auth.jti)'),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({ 'a.js': middleware('const denylist = new Map();', 'denylist.get(req.auth.jti)') }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({
        'a.js': middleware("const blacklist = ['a', 'b'];", 'blacklist.includes(req.auth.jti)'),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
  });

  it('does not take an allowlist, a session store or a Set named tokens for a denylist', () => {
    expect(
      found({
        'a.js': middleware('const allowedTokens = new Set();', '!allowedTokens.has(req.auth.jti)'),
      }),
    ).toEqual([]);
    expect(
      found({ 'a.js': middleware('const sessions = new Map();', '!sessions.has(req.auth.sid)') }),
    ).toEqual([]);
    expect(
      found({ 'a.js': middleware('const tokens = new Set();', 'tokens.has(req.auth.jti)') }),
    ).toEqual([]);
    expect(
      found({
        'a.js': middleware('const blacklistedIps = new Set();', 'blacklistedIps.has(req.ip)'),
      }),
    ).toEqual([]);
  });

  it('recognises Redis keys by their text or by the name of the constant that builds them', () => {
    const redis = "const Redis = require('ioredis'); const redis = new Redis();";
    expect(
      found({ 'a.js': middleware(redis, 'await redis.exists(`revoked:${req.auth.jti}`)') }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({
        'a.js': middleware(
          `${redis} const DENYLIST_PREFIX = 'dl:';`,
          'await redis.get(DENYLIST_PREFIX + req.auth.jti)',
        ),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({
        'a.js': middleware(
          `${redis} const key = (j) => 'x';`,
          'await redis.sismember("jwt:blacklist", req.auth.jti)',
        ),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    // a bare short prefix says nothing
    expect(found({ 'a.js': middleware(redis, 'await redis.get(`bl:${req.auth.jti}`)') })).toEqual(
      [],
    );
    // a config lookup whose key mentions the denylist is not a store
    expect(
      found({
        'a.js': middleware("const config = require('config');", "!config.get('auth.blacklist')"),
      }),
    ).toEqual([]);
  });

  it('recognises ORM models and repositories by their names', () => {
    expect(
      found({
        'a.js': middleware(
          "const { PrismaClient } = require('@prisma/client'); const prisma = new PrismaClient();",
          'await prisma.revokedToken.findUnique({ where: { jti: req.auth.jti } })',
        ),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({
        'a.js': middleware(
          "const ds = require('./ds'); const repo = ds.getRepository(BlacklistedToken);",
          'await repo.count({ where: { jti: req.auth.jti } })',
        ),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({
        'a.js': middleware(
          "const db = require('./db');",
          "await db.collection('token_blocklist').findOne({ jti: req.auth.jti })",
        ),
      }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({
        'a.js': middleware(
          "const { PrismaClient } = require('@prisma/client'); const prisma = new PrismaClient();",
          '!(await prisma.session.findUnique({ where: { id: req.auth.sid } }))',
        ),
      }),
      // a session looked up by the token's sid, a miss rejected: SPEC (c), a server-side allowlist
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
  });

  it('follows the polarity of the test', () => {
    const redis = "const Redis = require('ioredis'); const redis = new Redis();";
    // revoked when the count is non-zero: rejecting on zero is rejecting an unknown token, not a
    // revoked one
    expect(
      found({ 'a.js': middleware(redis, '(await redis.exists(`revoked:${req.auth.jti}`)) === 0') }),
    ).toEqual([]);
    expect(
      found({ 'a.js': middleware(redis, '(await redis.exists(`revoked:${req.auth.jti}`)) > 0') }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({ 'a.js': middleware(redis, '(await redis.get(`revoked:${req.auth.jti}`)) !== null') }),
    ).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(
      found({ 'a.js': middleware(redis, '!(await redis.get(`revoked:${req.auth.jti}`))') }),
    ).toEqual([]);
  });

  it('recognises express-jwt isRevoked by import, not by the callee name', () => {
    const hook = (imp: string) => `${imp}
const { Token } = require('./models');
module.exports = jwt({ secret: 's', algorithms: ['HS256'], isRevoked: async (req, t) => {
  return !!(await Token.exists({ jti: t.payload.jti }));
} });
`;
    expect(found({ 'a.js': hook("const jwt = require('express-jwt');") })).toEqual([
      'unlogged-revocation-hit@a.js:4',
    ]);
    expect(found({ 'a.js': hook("const jwt = require('koa-jwt');") })).toEqual([
      'unlogged-revocation-hit@a.js:4',
    ]);
    // a project function that happens to be called jwt, with an option of the same name
    expect(found({ 'a.js': hook("const jwt = require('./my-jwt');") })).toEqual([]);
  });

  it('reads @fastify/jwt trusted the other way round: false means revoked', () => {
    const plugin = (body: string) =>
      `const fastifyJwt = require('@fastify/jwt');
const revoked = new Set();
module.exports = async (app) => app.register(fastifyJwt, { secret: 's', ` +
      `trusted: async (request, decoded) => {
  ${body}
} });
`;
    expect(found({ 'a.js': plugin('return !revoked.has(decoded.jti);') })).toEqual([
      'unlogged-revocation-hit@a.js:4',
    ]);
    // returning true for a revoked token is a bug, but not this rule's
    expect(found({ 'a.js': plugin('return revoked.has(decoded.jti);') })).toEqual([]);
  });

  it('counts monitoring on the revoked path, configured monitors included', () => {
    const configured = `const revoked = new Set();
function check(req, res, next) {
  if (revoked.has(req.auth.jti)) {
    securityEvent(req, 'revoked-token');
    return res.sendStatus(401);
  }
  next();
}
module.exports = check;
`;
    expect(found({ 'a.js': configured })).toEqual(['unlogged-revocation-hit@a.js:3']);
    expect(found({ 'a.js': configured }, ['securityEvent'])).toEqual([]);
    const logged = `const revoked = new Set();
function check(req, res, next) {
  if (revoked.has(req.auth.jti)) {
    console.warn('revoked token presented', req.auth.jti);
    return res.sendStatus(401);
  }
  next();
}
module.exports = check;
`;
    expect(found({ 'a.js': logged })).toEqual([]);
  });

  it('credits a checker in another file only with what it does on a hit', () => {
    const checker = `const logger = require('pino')();
const revoked = new Set();
exports.isRevoked = (jti) => {
  const hit = revoked.has(jti);
  if (hit) logger.warn({ jti }, 'revoked token presented');
  return hit;
};
exports.isBlacklisted = (jti) => {
  logger.debug('checking denylist');
  return revoked.has(jti);
};
`;
    const mw = (fn: string) => `const { ${fn} } = require('./checker');
module.exports = (req, res, next) => {
  if (${fn}(req.auth.jti)) return res.sendStatus(401);
  next();
};
`;
    expect(found({ 'checker.js': checker, 'mw.js': mw('isRevoked') })).toEqual([]);
    // a log before the lookup records that a check happened, not that it hit
    expect(found({ 'checker.js': checker, 'mw.js': mw('isBlacklisted') })).toEqual([
      'unlogged-revocation-hit@mw.js:3',
    ]);
  });
});

describe('unaudited-revocation', () => {
  const helper = `const revokedTokens = new Set();
exports.revoke = (jti) => {
  revokedTokens.add(jti);
};
`;

  it('finds a write in a function that records nothing', () => {
    expect(found({ 'store.js': helper })).toEqual(['unaudited-revocation@store.js:3']);
  });

  it('is satisfied when every caller of the writing helper records the revocation', () => {
    const caller = `const { revoke } = require('./store');
const logger = require('winston');
exports.logout = (req, res) => {
  revoke(req.auth.jti);
  logger.info('logout', { jti: req.auth.jti, sub: req.auth.sub });
  res.sendStatus(204);
};
`;
    const silentCaller = `const { revoke } = require('./store');
exports.adminRevoke = (req, res) => {
  revoke(req.params.jti);
  res.sendStatus(204);
};
`;
    expect(found({ 'store.js': helper, 'logout.js': caller })).toEqual([]);
    expect(found({ 'store.js': helper, 'logout.js': caller, 'admin.js': silentCaller })).toEqual([
      'unaudited-revocation@store.js:3',
    ]);
  });

  it('does not count a throw as an audit record', () => {
    const code = `const revokedTokens = new Set();
exports.revoke = (jti) => {
  if (!jti) throw new Error('jti required');
  revokedTokens.add(jti);
};
`;
    expect(found({ 'store.js': code })).toEqual(['unaudited-revocation@store.js:4']);
  });

  it('sees through inline callbacks but not through a registered handler', () => {
    const code = `const logger = require('pino')();
const blacklist = new Set();
exports.revokeMany = (jtis) => {
  jtis.forEach((jti) => blacklist.add(jti));
  logger.info({ count: jtis.length }, 'tokens revoked');
};
exports.routes = (app) => {
  app.post('/logout', (req, res) => {
    blacklist.add(req.auth.jti);
    res.end();
  });
  app.post('/logout-logged', (req, res) => {
    logger.info('logout');
    res.end();
  });
};
`;
    expect(found({ 'a.js': code })).toEqual(['unaudited-revocation@a.js:9']);
  });

  it('is not fooled by metric counters, response headers or loaders', () => {
    const code = `const { metrics } = require('@opentelemetry/api');
const revocations = metrics.getMeter('auth').createCounter('revocations');
const revokedTokens = new Set();
exports.count = () => revocations.add(1);
exports.header = (req, res) => res.set('X-Token-Revoked', '0');
exports.loadRevoked = async (db) => {
  for (const row of await db.all()) revokedTokens.add(row.jti);
};
`;
    expect(found({ 'a.js': code })).toEqual([]);
  });
});

describe('inventory', () => {
  it('lists every denylist check with whether its hit is monitored', () => {
    const result = run({
      'a.js': `const logger = require('pino')();
const revoked = new Set();
exports.a = (req, res, next) => {
  if (revoked.has(req.auth.jti)) return res.sendStatus(401);
  next();
};
exports.b = (req, res, next) => {
  if (revoked.has(req.auth.jti)) {
    logger.warn('revoked');
    return res.sendStatus(401);
  }
  next();
};
`,
    });
    expect(
      result.inventory.denylistChecks.map((c) => [c.label, c.location.start.line, c.monitored]),
    ).toEqual([
      ['revoked.has', 4, false],
      ['revoked.has', 8, true],
    ]);
  });
});
