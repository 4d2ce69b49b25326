import { describe, expect, it } from 'vitest';
import { CONSUMER_MODULES, mayCallLimiter } from '../src/analysis/libraries/limiters.js';
import { USAGE_FIELD } from '../src/analysis/file/routes/handler-facts.js';
import { JWT_API_MODULES, mayUseJwtApi } from '../src/analysis/libraries/jwt-apis.js';
import { mayEscapeNames } from '../src/analysis/file/ast.js';
import { textSignals, type Family } from '../src/analysis/file/text-signals.js';

// Raw-text pre-filters skip work in files that cannot match; they must never skip a file that can.
describe('raw-text pre-filters', () => {
  const none = { rateLimiters: new Set<string>() };
  it('every limiter package a handler consumes passes the limiter pre-filter', () => {
    for (const source of CONSUMER_MODULES)
      expect(mayCallLimiter(textSignals(`import x from '${source}';`), none), source).toBe(true);
  });
  it(
    'limiter-like names pass it; a file without any, or with a configured name, is decided ' +
      'by the option',
    () => {
      for (const name of [
        'authLimiter',
        'loginRateLimit',
        'bruteforce',
        'throttleLogin',
        'slowDown',
      ])
        expect(mayCallLimiter(textSignals(`${name}()`), none), name).toBe(true);
      expect(mayCallLimiter(textSignals('const limit = 10; protect(); consume();'), none)).toBe(
        false,
      );
      expect(mayCallLimiter(textSignals('guard()'), { rateLimiters: new Set(['guard']) })).toBe(
        true,
      );
      expect(mayCallLimiter(textSignals("const s = '\\x6cimiter';"), none)).toBe(true);
    },
  );
  it('usage fields are spelled as USAGE_FIELD matches', () => {
    expect(USAGE_FIELD.test('lastUsedAt')).toBe(true);
  });
  it('every JWT library and API spelling passes the JWT pre-filter; plain code does not', () => {
    expect(JWT_API_MODULES.length).toBeGreaterThan(5);
    for (const source of JWT_API_MODULES)
      expect(
        mayUseJwtApi(
          textSignals(`import * as x from '${source}';`),
          `import * as x from '${source}';`,
        ),
        source,
      ).toBe(true);
    for (const spelling of [
      'request.jwtVerify()',
      'new SignJWT({})',
      'createVerifier({ key })',
      'this.jwtService.verifyAsync(t)',
      'x.sign(p, k)',
    ])
      expect(mayUseJwtApi(textSignals(spelling), spelling), spelling).toBe(true);
    expect(
      mayUseJwtApi(
        textSignals('Object.assign(a, b); design(); const n = 1;'),
        'Object.assign(a, b); design(); const n = 1;',
      ),
    ).toBe(false);
    expect(
      mayUseJwtApi(textSignals("require('json\\u0077ebtoken')"), "require('json\\u0077ebtoken')"),
    ).toBe(true);
  });
  it('escapes that can spell a name let a file through; other backslashes do not', () => {
    for (const text of [
      "const s = 'bl\\x61cklist';",
      'const \\u006Awt = 1;',
      "const s = 'black\\\nlist';",
      "const s = '\\142';",
    ])
      expect(mayEscapeNames(text), text).toBe(true);
    for (const text of ["const s = 'a\\nb';", 'const re = /\\d+\\.\\w/;', 'const t = `\\t${x}`;'])
      expect(mayEscapeNames(text), text).toBe(false);
    expect(
      mayUseJwtApi(
        textSignals("const re = /\\s+/; const s = 'line\\n';"),
        "const re = /\\s+/; const s = 'line\\n';",
      ),
    ).toBe(false);
    expect(mayCallLimiter(textSignals("const s = 'a\\nb';"), none)).toBe(false);
  });
  it('one pass finds every family a text spells, also where names overlap', () => {
    const only = (text: string) =>
      Object.entries(textSignals(text))
        .filter(([k, v]) => v && k !== 'escapes')
        .map(([k]) => k as Family)
        .sort();
    expect(only('const n = 1; render(view);')).toEqual([]);
    expect(only('authLimiter.consume(ip)')).toEqual(['limiter']);
    // `session` may name a server-side session allowlist (revocation state)
    expect(only('session.lastUsedAt = now')).toEqual(['revocationState', 'usage']);
    expect(only('bcrypt.compare(a, b)')).toEqual(['password']);
    // two families matching at the same place: `jwt` is a JWT name and a revocation option's module
    expect(only('const jwtSecret = env.SECRET;')).toEqual(['jwt', 'revocationOption']);
    expect(only("import { verify } from 'jose'")).toEqual(['jwt']);
    expect(only('redis.sismember(BLACKLIST, jti)')).toEqual(['denylist', 'revocationState']);
    // `isRevoked` holds `revok`, a denylist name, starting inside it
    expect(only('expressjwt({ isRevoked })')).toEqual([
      'denylist',
      'jwt',
      'revocationOption',
      'revocationState',
    ]);
    expect(only('trusted: check')).toEqual(['revocationOption']);
    // everything, far apart and in any order
    expect(
      only(`bottleneck ${'x'.repeat(5000)} passwordHash rotatedAt decode(t) bannedTokens trusted`),
    ).toEqual(['denylist', 'jwt', 'limiter', 'password', 'revocationOption', 'usage']);
  });
});
