import { describe, expect, it } from 'vitest';
import { CONSUMER_MODULES, mayCallLimiter } from '../src/analysis/libraries/limiters.js';
import { USAGE_FIELD } from '../src/analysis/file/routes/handler-facts.js';
import { JWT_API_MODULES, mayUseJwtApi } from '../src/analysis/libraries/jwt-apis.js';
import { mayEscapeNames } from '../src/analysis/file/ast.js';
import { textSignals, TEXT_FAMILIES, type Family } from '../src/analysis/file/text-signals.js';

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
      expect(mayUseJwtApi(textSignals(`import * as x from '${source}';`)), source).toBe(true);
    for (const spelling of [
      'request.jwtVerify()',
      'new SignJWT({})',
      'createVerifier({ key })',
      'this.jwtService.verifyAsync(t)',
      'x.sign(p, k)',
    ])
      expect(mayUseJwtApi(textSignals(spelling)), spelling).toBe(true);
    expect(mayUseJwtApi(textSignals('Object.assign(a, b); design(); const n = 1;'))).toBe(false);
    expect(mayUseJwtApi(textSignals("require('json\\u0077ebtoken')"))).toBe(true);
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
    expect(mayUseJwtApi(textSignals("const re = /\\s+/; const s = 'line\\n';"))).toBe(false);
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
    expect(only('const jwtSecret = env.SECRET;')).toEqual([
      'jwt',
      'revocationOption',
      'tokenState',
    ]);
    expect(only("import { verify } from 'jose'")).toEqual(['jwt']);
    expect(only('redis.sismember(BLACKLIST, jti)')).toEqual([
      'account',
      'denylist',
      'revocationState',
      'tokenState',
    ]);
    // `isRevoked` holds `revok`, a denylist name, starting inside it
    expect(only('expressjwt({ isRevoked })')).toEqual([
      'denylist',
      'jwt',
      'revocationOption',
      'revocationState',
      'tokenState',
    ]);
    expect(only('trusted: check')).toEqual(['revocationOption']);
    // everything, far apart and in any order
    expect(
      only(`bottleneck ${'x'.repeat(5000)} passwordHash rotatedAt decode(t) bannedTokens trusted`),
    ).toEqual([
      'denylist',
      'jwt',
      'limiter',
      'password',
      'revocationOption',
      'tokenState',
      'usage',
    ]);
  });
  it('says of every family exactly what its own expression says of the text', () => {
    // the automaton looks for a literal of each alternative, then tries the expression there:
    // case, word boundaries, optional separators and non-ASCII text must not change the answer
    const pieces = [
      'rate limit',
      'RATE_LIMITER',
      'slowDown',
      'slow--down',
      'lastUsed',
      'used_at',
      'is_valid',
      'isActive',
      'sid',
      'xsid',
      'SID',
      'sid_',
      'jti',
      'JWT',
      'Sign',
      'design',
      'sign',
      'req',
      'reqs',
      'Request',
      'ctx',
      'events',
      'headers',
      'header_',
      'cookies',
      'Bearer',
      'member',
      'ſession',
      'İd',
      'K',
      'é',
      '\n',
      '.',
      '-',
      '_',
      ' ',
    ];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 3000; round++) {
      let text = '';
      for (let i = 0, n = 1 + random(5); i < n; i++) text += pieces[random(pieces.length)];
      const signals = textSignals(text);
      for (const [family, re] of Object.entries(TEXT_FAMILIES))
        expect(signals[family as Family], `${family} in ${JSON.stringify(text)}`).toBe(
          re.test(text),
        );
    }
  });
});
