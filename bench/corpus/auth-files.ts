/** Auth files of the synthetic corpus: JWT helpers, loggers, index files, middleware. */
import { type Rand, NOUNS } from './random.js';
import { type Pkg, spec, type Ctx, pad, importLine, toCommonJs } from './ordinary.js';

export type CatchStyle = 'logger' | 'console' | 'helper' | 'silent' | 'next' | 'rethrow' | 'empty';

export function catchBody(
  r: Rand,
  style: CatchStyle,
  indent: string,
  err: string,
  respond: string,
  next = 'next',
): string[] {
  switch (style) {
    case 'logger':
      return [
        `${indent}logger.${r.pick(['warn', 'error', 'info'])}` +
          `({ err: ${err} }, 'token verification failed');`,
        `${indent}${respond}`,
      ];
    case 'console':
      return [
        `${indent}console.${r.pick(['error', 'warn'])}('token verification failed', ${err});`,
        `${indent}${respond}`,
      ];
    case 'helper':
      return [`${indent}logAuthFailure(${err}, '${r.pick(NOUNS)}');`, `${indent}${respond}`];
    case 'silent':
      return [`${indent}${respond}`];
    case 'next':
      return [`${indent}return ${next}(${err});`];
    case 'rethrow':
      return [`${indent}throw ${err};`];
    case 'empty':
      return [`${indent}// ignore: treated as anonymous`];
  }
}

export const CATCH_WEIGHTS: Record<CatchStyle, number> = {
  logger: 4,
  console: 2,
  helper: 2,
  silent: 3,
  next: 2,
  rethrow: 1,
  empty: 1,
};

/** The shared JWT helper of a package (auth/verify): several verification styles. */
export function authHelperFile(r: Rand, pkg: Pkg, rel: string): string {
  const L = pkg.lang;
  const lines: string[] = [];
  const style = r.weighted({ default: 3, named: 2, promisify: 2, jose: 2, callback: 2 });
  if (style === 'jose') lines.push(importLine(L, 'jwtVerify, createRemoteJWKSet, SignJWT', 'jose'));
  else if (style === 'named') lines.push(importLine(L, 'verify, sign', 'jsonwebtoken'));
  else lines.push(importLine(L, 'jwt', 'jsonwebtoken', 'default'));
  if (style === 'promisify') lines.push(importLine(L, 'promisify', 'node:util'));
  lines.push(importLine(L, 'logger', spec(rel, `${pkg.root}/lib/index`, L)), '');
  const T = L === 'ts';
  const secret = `process.env.JWT_SECRET${T ? ' as string' : ''}`;
  const cs = r.weighted(CATCH_WEIGHTS);
  lines.push(
    `export function logAuthFailure(error${T ? ': unknown' : ''}, ` +
      `scope${T ? ': string' : ''})${T ? ': void' : ''} {`,
    "  logger.warn({ err: error, scope }, 'authentication failed');",
    '}',
    '',
  );
  switch (style) {
    case 'default':
    case 'named': {
      const call = style === 'default' ? 'jwt.verify' : 'verify';
      lines.push(
        `export function verifyAccessToken(token${T ? ': string' : ''}) {`,
        '  try {',
        `    return ${call}(token, ${secret}, { algorithms: ['HS256'] });`,
        '  } catch (err) {',
        ...catchBody(r, cs, '    ', 'err', 'return null;').map((l) =>
          l.replace('next(err)', 'null'),
        ),
        '  }',
        '}',
        '',
      );
      lines.push(
        `export function signAccessToken(sub${T ? ': string' : ''}) {`,
        `  return ${style === 'default' ? 'jwt.sign' : 'sign'}` +
          `({ sub }, ${secret}, { expiresIn: '15m' });`,
        '}',
        '',
      );
      break;
    }
    case 'promisify':
      lines.push(
        `const verifyAsync = promisify(jwt.verify);`,
        '',
        `export async function verifyAccessToken(token${T ? ': string' : ''}) {`,
        '  try {',
        `    return await verifyAsync(token, ${secret});`,
        '  } catch (err) {',
        ...catchBody(r, cs, '    ', 'err', 'return null;').map((l) =>
          l.replace('return next(err);', 'return null;'),
        ),
        '  }',
        '}',
        '',
      );
      break;
    case 'jose':
      lines.push(
        'const JWKS = createRemoteJWKSet(new URL(process.env.JWKS_URL ?? ' +
          "'https://issuer.example.com/.well-known/jwks.json'));",
        '',
        `export async function verifyAccessToken(token${T ? ': string' : ''}) {`,
        '  try {',
        '    const { payload } = await jwtVerify(token, JWKS, ' +
          "{ issuer: 'https://issuer.example.com', audience: 'api' });",
        '    return payload;',
        '  } catch (err) {',
        ...catchBody(r, cs, '    ', 'err', 'return null;').map((l) =>
          l.replace('return next(err);', 'return null;'),
        ),
        '  }',
        '}',
        '',
      );
      lines.push(
        `export async function signAccessToken(sub${T ? ': string' : ''}) {`,
        "  return new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' })" +
          `.setExpirationTime('15m').sign(new TextEncoder().encode(${secret}));`,
        '}',
        '',
      );
      break;
    case 'callback':
      lines.push(
        `export function verifyAccessToken(token${T ? ': string' : ''}, ` +
          `done${T ? ': (err: Error | null, claims?: unknown) => void' : ''}) {`,
        `  jwt.verify(token, ${secret}, (err, decoded) => {`,
        '    if (err) {',
      );
      if (cs === 'silent' || cs === 'empty') lines.push('      return done(null, undefined);');
      else if (cs === 'logger' || cs === 'helper')
        lines.push("      logger.warn({ err }, 'bad token');", '      return done(err);');
      else lines.push('      return done(err);');
      lines.push('    }', '    done(null, decoded);', '  });', '}', '');
      break;
  }
  const ctx: Ctx = { r, lang: L, noun: r.pick(NOUNS), logger: 'logger' };
  const text = pad(ctx, lines, r.int(50, 120)).join('\n');
  return L === 'js'
    ? toCommonJs(
        text,
        [...text.matchAll(/^export (?:async function|function|const|class) (\w+)/gm)].map(
          (m) => m[1],
        ),
      )
    : text;
}

export function loggerFile(r: Rand, pkg: Pkg): string {
  const L = pkg.lang;
  const kind = r.weighted({ pino: 3, winston: 2, console: 1 });
  const lines: string[] = [];
  if (kind === 'pino')
    lines.push(
      importLine(L, 'pino', 'pino', 'default'),
      '',
      "export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', " +
        "redact: ['req.headers.authorization'] });",
    );
  else if (kind === 'winston')
    lines.push(
      importLine(L, 'winston', 'winston', 'default'),
      '',
      'export const logger = winston.createLogger({',
      "  level: 'info',",
      '  format: winston.format.json(),',
      '  transports: [new winston.transports.Console()],',
      '});',
    );
  else lines.push('export const logger = console;');
  lines.push(
    '',
    `export function child(bindings${L === 'ts' ? ': Record<string, unknown>' : ''}) {`,
    kind === 'pino' ? '  return logger.child(bindings);' : '  return logger;',
    '}',
    '',
  );
  const ctx: Ctx = { r, lang: L, noun: 'log', logger: 'logger' };
  const text = pad(ctx, lines, 50).join('\n');
  return L === 'js'
    ? toCommonJs(text, [
        'logger',
        'child',
        ...[...text.matchAll(/^export (?:async function|function|const|class) (\w+)/gm)]
          .map((m) => m[1])
          .filter((n) => n !== 'logger' && n !== 'child'),
      ])
    : text;
}

export function indexFile(pkg: Pkg, rel: string, targets: string[]): string {
  if (pkg.lang === 'js')
    return `'use strict';\n\nmodule.exports = {\n${targets
      .map((t) => `  ...require('${spec(rel, t, 'js')}'),`)
      .join('\n')}\n};\n`;
  return `${targets.map((t) => `export * from '${spec(rel, t, 'ts')}';`).join('\n')}\n`;
}

/** Express/Koa auth middleware: verifies inline (various styles) or through the package helper. */
export function middlewareFile(r: Rand, pkg: Pkg, rel: string): string {
  const L = pkg.lang;
  const T = L === 'ts';
  const fw = pkg.framework;
  const lines: string[] = [];
  const inline = r.chance(0.6);
  const cs = r.weighted(CATCH_WEIGHTS);
  const jwtStyle = r.weighted({ default: 3, named: 2, namespace: 1, callback: 2, promisify: 1 });
  if (inline) {
    if (jwtStyle === 'named') lines.push(importLine(L, 'verify as verifyJwt', 'jsonwebtoken'));
    else if (jwtStyle === 'namespace')
      lines.push(importLine(L, 'jwt', 'jsonwebtoken', 'namespace'));
    else lines.push(importLine(L, 'jwt', 'jsonwebtoken', 'default'));
    if (jwtStyle === 'promisify') lines.push(importLine(L, 'promisify', 'util'));
  } else
    lines.push(
      importLine(L, 'verifyAccessToken, logAuthFailure', spec(rel, `${pkg.root}/auth/index`, L)),
    );
  lines.push(importLine(L, 'logger', spec(rel, `${pkg.root}/lib/index`, L)));
  if (cs === 'helper' && inline)
    lines.push(importLine(L, 'logAuthFailure', spec(rel, `${pkg.root}/auth/verify`, L)));
  if (T && fw === 'express')
    lines.push("import type { Request, Response, NextFunction } from 'express';");
  lines.push('');
  const secret = `process.env.JWT_SECRET${T ? ' as string' : ''}`;
  if (fw === 'koa') {
    lines.push(
      `export async function requireAuth(ctx${T ? ': any' : ''}, ` +
        `next${T ? ': () => Promise<void>' : ''}) {`,
      "  const header = ctx.get('Authorization') || '';",
      "  const token = header.replace(/^Bearer /, '');",
      '  try {',
    );
    lines.push(
      inline
        ? `    ctx.state.user = ${jwtStyle === 'named' ? 'verifyJwt' : 'jwt.verify'}` +
            `(token, ${secret});`
        : '    ctx.state.user = await verifyAccessToken(token);',
    );
    lines.push(
      '  } catch (err) {',
      ...catchBody(
        r,
        cs,
        '    ',
        'err',
        'ctx.status = 401;\n    return;',
        'ctx.throw(401, err) ?? Promise.reject',
      ).map((l) =>
        l.replace(
          'return ctx.throw(401, err) ?? Promise.reject(err);',
          'ctx.throw(401, String(err));',
        ),
      ),
      '  }',
      '  await next();',
      '}',
      '',
    );
  } else {
    const sig = T ? '(req: Request, res: Response, next: NextFunction)' : '(req, res, next)';
    lines.push(
      `export function authenticate${sig} {`,
      "  const header = req.headers.authorization ?? '';",
      "  const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;",
      "  if (!token) return res.status(401).json({ error: 'missing token' });",
    );
    if (inline && jwtStyle === 'callback') {
      lines.push(
        `  jwt.verify(token, ${secret}, (err${T ? ': any' : ''}, decoded${T ? ': any' : ''}) => {`,
        '    if (err) {',
        ...catchBody(
          r,
          cs === 'rethrow' ? 'next' : cs,
          '      ',
          'err',
          "return res.status(401).json({ error: 'invalid token' });",
        ),
        '    }',
        `    ${T ? '(req as any)' : 'req'}.user = decoded;`,
        '    next();',
        '  });',
        '}',
        '',
      );
    } else if (inline && jwtStyle === 'promisify') {
      lines.push(
        `  const verifyAsync = promisify(jwt.verify);`,
        `  verifyAsync(token, ${secret})`,
        `    .then((claims${T ? ': any' : ''}) => {`,
        `      ${T ? '(req as any)' : 'req'}.user = claims;`,
        '      next();',
        '    })',
        `    .catch((err${T ? ': unknown' : ''}) => {`,
        ...catchBody(
          r,
          cs === 'rethrow' ? 'next' : cs,
          '      ',
          'err',
          "res.status(401).json({ error: 'invalid token' });",
        ),
        '    });',
        '}',
        '',
      );
    } else {
      const call = inline
        ? jwtStyle === 'named'
          ? 'verifyJwt'
          : 'jwt.verify'
        : 'verifyAccessToken';
      lines.push(
        '  try {',
        `    ${T ? '(req as any)' : 'req'}.user = ${call}(token, ${inline ? secret : ''});`.replace(
          ', )',
          ')',
        ),
        '    return next();',
        '  } catch (err) {',
        ...catchBody(
          r,
          cs,
          '    ',
          'err',
          "return res.status(401).json({ error: 'invalid token' });",
        ),
        '  }',
        '}',
        '',
      );
    }
  }
  const ctx: Ctx = { r, lang: L, noun: r.pick(NOUNS), logger: 'logger' };
  const text = pad(ctx, lines, r.int(50, 110)).join('\n');
  return L === 'js'
    ? toCommonJs(
        text,
        [...text.matchAll(/^export (?:async function|function|const|class) (\w+)/gm)].map(
          (m) => m[1],
        ),
      )
    : text;
}
