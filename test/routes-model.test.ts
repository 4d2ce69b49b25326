/**
 * The route model through the public scan() API, on in-memory files: full paths after nested
 * mounts across files, which registrations guard which routes (order, path scope, conditional
 * registration, Fastify encapsulation), and what counts as an auth endpoint.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { covers, join } from '../src/analysis/project/routes.js';

const ROOT = path.resolve('/virtual/app');

function inventory(files: Record<string, string>, config: Partial<typeof DEFAULT_CONFIG> = {}) {
  const abs = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [path.join(ROOT, name), text]),
  );
  const result = scan({
    files: Object.keys(abs).sort(),
    cwd: ROOT,
    repoRoot: ROOT,
    readFile: (f) => {
      if (!(f in abs)) throw new Error(`no such file ${f}`);
      return abs[f];
    },
    config: { ...DEFAULT_CONFIG, ...config },
  });
  expect(result.notices.filter((n) => n.kind === 'rule-error')).toEqual([]);
  return result;
}

/** `METHOD path -> limiter|none` for every auth route. */
function routes(
  files: Record<string, string>,
  config: Partial<typeof DEFAULT_CONFIG> = {},
): string[] {
  return inventory(files, config).inventory.routes.map(
    (r) => `${r.method} ${r.path} -> ${r.limiter ?? 'none'}`,
  );
}

describe('path helpers', () => {
  it('joins prefixes as routers do', () => {
    expect(join('/api/', 'auth')).toBe('/api/auth');
    expect(join(undefined, '/')).toBe('/');
    expect(join('/api', undefined)).toBe('/api');
  });
  it('scopes a limiter to its path prefix by segment', () => {
    expect(covers('/auth', '/auth/login')).toBe(true);
    expect(covers('/auth', '/auth')).toBe(true);
    expect(covers('/auth', '/authors')).toBe(false);
    expect(covers('/auth/*', '/auth/login')).toBe(true);
    expect(covers('/', '/anything')).toBe(true);
    expect(covers(undefined, '/x')).toBe(true);
  });
});

// Handlers set a password (SPEC: what a visible handler does makes it an auth endpoint), so these
// tests are about where limiters apply.
describe('express mounts', () => {
  it('builds full paths through nested routers in three files', () => {
    const found = routes({
      'app.js': `const express = require('express');
const api = require('./api');
const app = express();
app.use('/api', api);`,
      'api.js': `const { Router } = require('express');
const auth = require('./auth');
const router = Router();
router.use('/v1/auth', auth);
module.exports = router;`,
      'auth.js': `const express = require('express');
const router = express.Router();
router.post('/login', (req, res) => res.json(pw.hashPassword(req.body)));
router.post('/token/refresh', (req, res) => res.json(pw.hashPassword(req.body)));
module.exports = router;`,
    });
    expect(found).toEqual([
      'POST /api/v1/auth/login -> none',
      'POST /api/v1/auth/token/refresh -> none',
    ]);
  });

  it(
    'a limiter in the mount call guards the router; ' + 'one used after a route does not guard it',
    () => {
      const found = routes({
        'app.js': `import express from 'express';
import rateLimit from 'express-rate-limit';
import auth from './auth.js';
const app = express();
app.post('/signup', (req, res) => res.json(pw.hashPassword(req.body)));
app.use(rateLimit({ limit: 5 }));
app.post('/signin', (req, res) => res.json(pw.hashPassword(req.body)));
app.use('/auth', rateLimit({ limit: 5 }), auth);`,
        'auth.js': `import { Router } from 'express';
const router = Router();
router.post('/login', (req, res) => res.json(pw.hashPassword(req.body)));
export default router;`,
      });
      expect(found).toEqual([
        'POST /signup -> none',
        'POST /signin -> rateLimit()',
        'POST /auth/login -> rateLimit()',
      ]);
    },
  );

  it('a path-scoped limiter guards only its path', () => {
    const found = routes({
      'app.js': `const express = require('express');
const limiter = require('express-rate-limit')({ limit: 5 });
const app = express();
app.use('/auth', limiter);
app.post('/auth/login', (req, res) => res.json(pw.hashPassword(req.body)));
app.post('/authors/token', (req, res) => res.json(pw.hashPassword(req.body)));`,
    });
    expect(found).toEqual(['POST /auth/login -> limiter', 'POST /authors/token -> none']);
  });

  it('follows the app into functions that register routes on it', () => {
    const found = routes({
      'server.js': `const express = require('express');
const limiter = require('./limiter');
const app = express();
app.use(limiter);
require('./routes')(app);`,
      'limiter.js': `module.exports = require('express-rate-limit')({ limit: 1 });`,
      'routes.js': `module.exports = function (app) {
  app.post('/password/reset', (req, res) => res.json(pw.hashPassword(req.body)));
};`,
    });
    expect(found).toEqual(['POST /password/reset -> limiter']);
  });

  it('judges a router never mounted in the scanned code on its own chain', () => {
    const found = routes({
      'auth.js': `const router = require('express').Router();
router.post('/login', (req, res) => res.json(pw.hashPassword(req.body)));
module.exports = router;`,
    });
    expect(found).toEqual(['POST /login -> none']);
  });
});

describe('fastify encapsulation', () => {
  it(
    'a plugin registered with a prefix inherits the root limiter; a sibling that registers ' +
      'its own only guards itself',
    () => {
      const found = routes({
        'server.mjs': `import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import auth from './auth.mjs';
const app = Fastify();
app.register(async (scoped) => {
  await scoped.register(rateLimit);
  scoped.post('/otp', async (req) => pw.hashPassword(req.body));
});
app.register(auth, { prefix: '/auth' });`,
        'auth.mjs': `export default async function auth(fastify) {
  fastify.post('/login', async (req) => pw.hashPassword(req.body));
}`,
      });
      expect(found).toEqual(['POST /auth/login -> none', 'POST /otp -> @fastify/rate-limit']);
    },
  );
});

describe('auth endpoints', () => {
  it('counts handlers that sign tokens or check passwords, whatever the path', () => {
    const found = routes({
      'app.js':
        `const express = require('express');
const jwt = require('jsonwebtoken');
const bcrypt = require('bcrypt');
const app = express();
app.post('/session', (req, res) => res.json({ t: jwt.sign({}, 'k') }));
app.post('/me/confirm', async (req, res) => ` +
        `res.json({ ok: await bcrypt.compare(req.body.p, 'h') }));
app.get('/profile', (req, res) => res.json({}));`,
    });
    expect(found).toEqual(['POST /session -> none', 'POST /me/confirm -> none']);
  });

  it('takes extra auth paths from config', () => {
    const found = routes(
      {
        'app.js':
          `const app = require('express')();\n` + `app.post('/v2/enter', (req, res) => res.end());`,
      },
      { authRoutes: ['^/v2/enter$'] },
    );
    expect(found).toEqual(['POST /v2/enter -> none']);
  });
});

describe('framework labels', () => {
  it('labels routes registered on a handed-in router by what the app is built with', () => {
    const result = inventory({
      'app.js': `const Koa = require('koa');
const Router = require('@koa/router');
const registerAuth = require('./auth');
const app = new Koa();
const router = new Router();
registerAuth(router);
app.use(router.routes());`,
      'auth.js': `module.exports = (router) => {
  router.post('/login', async (ctx) => { ctx.body = await pw.hashPassword(ctx.request.body); });
};`,
    });
    expect(result.inventory.routes.map((r) => `${r.path} ${r.framework}`)).toEqual(['/login koa']);
  });
});
