/**
 * A deterministic synthetic monorepo of server code for `npm run bench`.
 *
 * Shape (per package, ~60-140 files): a minority of server packages (Express, Fastify, NestJS,
 * Koa, Hono, Next.js route handlers) with routes, middleware (rate limiters on some), JWT
 * verification in every style the engine knows (jsonwebtoken default/named/require/promisify and
 * callbacks, jose jwtVerify, @nestjs/jwt JwtService, @fastify/jwt request.jwtVerify, hono/jwt),
 * failure handling with and without logging (pino, winston, console, helpers in other files), and
 * a majority of ordinary files (services, models, utils, config) with no JWT content at all, as in
 * real monorepos. Files import each other by relative paths and index files.
 *
 * Also written, and NOT counted in `n` (discovery must skip them): test files, files under
 * directories listed in a root `.gitignore` and in one package's own `.gitignore`, and a
 * `node_modules/` tree. The corpus root gets its own `.git` so that it is a work tree of its own
 * (otherwise the enclosing repository's `.gitignore`, which lists `.bench/`, would apply).
 *
 * Same seed + GENERATOR_VERSION => byte-identical corpus; an existing corpus with a matching
 * manifest is reused as is.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Bump when the templates change, so that stale corpora are regenerated. */
export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 20240611;

export interface CorpusManifest {
  version: number;
  seed: number;
  files: number;
  lines: number;
  bytes: number;
  jwtFiles: number;
  extraFiles: number;
}

/* ------------------------------------------------------------------ PRNG and names */

/** mulberry32: tiny, fast, good enough for shuffling templates. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rand {
  constructor(private readonly next: () => number) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T extends string>(table: Record<T, number>): T {
    const entries = Object.entries(table) as Array<[T, number]>;
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1][0];
  }
  /** Lines per file: skewed towards ~100, clamped to 50..300. */
  fileLines(): number {
    const u = (this.next() + this.next() + this.next()) / 3;
    return Math.max(50, Math.min(300, Math.round(40 + u * u * 380)));
  }
}

const NOUNS = [
  'user',
  'order',
  'invoice',
  'product',
  'account',
  'session',
  'payment',
  'cart',
  'shipment',
  'review',
  'tenant',
  'report',
  'notification',
  'subscription',
  'webhook',
  'audit',
  'customer',
  'catalog',
  'coupon',
  'inventory',
  'warehouse',
  'ticket',
  'message',
  'channel',
  'team',
  'project',
  'task',
  'comment',
  'attachment',
  'address',
  'profile',
  'device',
  'plan',
  'quota',
  'refund',
  'ledger',
  'vendor',
  'booking',
  'schedule',
  'document',
];
const VERBS = [
  'load',
  'find',
  'create',
  'update',
  'remove',
  'list',
  'sync',
  'compute',
  'resolve',
  'normalise',
  'validate',
  'merge',
  'export',
  'import',
  'archive',
  'publish',
  'refresh',
  'reconcile',
  'schedule',
  'render',
];
const ADJ = [
  'active',
  'pending',
  'archived',
  'primary',
  'default',
  'cached',
  'remote',
  'local',
  'draft',
  'expired',
  'verified',
  'public',
  'internal',
];
const FIELDS: Array<[string, string]> = [
  ['id', 'string'],
  ['createdAt', 'Date'],
  ['updatedAt', 'Date'],
  ['name', 'string'],
  ['email', 'string'],
  ['status', 'Status'],
  ['amount', 'number'],
  ['currency', 'string'],
  ['quantity', 'number'],
  ['tags', 'string[]'],
  ['ownerId', 'string'],
  ['tenantId', 'string'],
  ['version', 'number'],
  ['metadata', 'Record<string, unknown>'],
  ['description', 'string | null'],
  ['enabled', 'boolean'],
  ['priority', 'number'],
  ['expiresAt', 'Date | undefined'],
  ['region', 'string'],
  ['score', 'number'],
];

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const plural = (s: string) =>
  s.endsWith('s') ? s : s.endsWith('y') ? `${s.slice(0, -1)}ies` : `${s}s`;

/* ------------------------------------------------------------------ file model */

type Lang = 'ts' | 'js';
type Framework = 'express' | 'fastify' | 'nest' | 'koa' | 'hono' | 'next';

interface GenFile {
  /** Relative to the corpus root, with extension. */
  rel: string;
  text: string;
  jwt: boolean;
  counted: boolean;
}

interface Pkg {
  name: string;
  root: string; // packages/<name>/src
  lang: Lang;
  framework: Framework | null;
  /** Ordinary modules already planned in this package (rel paths without extension), by folder. */
  modules: Record<string, Array<{ stem: string; exports: string[] }>>;
}

/** Import specifier from one file to another (both rel, without extension). */
function spec(fromRel: string, toStem: string, lang: Lang): string {
  let r = path.posix.relative(path.posix.dirname(fromRel), toStem);
  if (!r.startsWith('.')) r = `./${r}`;
  return lang === 'ts' ? `${r}.js` : r;
}

/* ------------------------------------------------------------------ ordinary code blocks */

interface Ctx {
  r: Rand;
  lang: Lang;
  noun: string;
  /** Loggers available in scope (`logger`), if any. */
  logger: string | null;
}

function typeAnn(ctx: Ctx, t: string): string {
  return ctx.lang === 'ts' ? `: ${t}` : '';
}

function interfaceBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  if (ctx.lang === 'js')
    return [`/** @typedef {{ id: string, name: string, status: string }} ${cap(noun)}Shape */`, ''];
  const n = r.int(4, 10);
  const fields = [...FIELDS].sort(() => r.float() - 0.5).slice(0, n);
  const name = `${cap(r.pick(ADJ))}${cap(noun)}${r.pick(['Record', 'Dto', 'Entity', 'Row', 'Input', 'View'])}`;
  return [
    `export interface ${name} {`,
    ...fields.map(
      ([f, t]) =>
        `  ${f}${r.chance(0.2) ? '?' : ''}: ${t === 'Status' ? `${cap(noun)}Status` : t};`,
    ),
    '}',
    '',
  ];
}

function unionBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const states = [...ADJ].sort(() => r.float() - 0.5).slice(0, r.int(3, 6));
  if (ctx.lang === 'js')
    return [
      `export const ${noun.toUpperCase()}_STATES = Object.freeze([${states.map((s) => `'${s}'`).join(', ')}]);`,
      '',
    ];
  return [`export type ${cap(noun)}Status = ${states.map((s) => `'${s}'`).join(' | ')};`, ''];
}

function constBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const lines = [`export const ${noun.toUpperCase()}_DEFAULTS = {`];
  for (let i = 0, n = r.int(3, 8); i < n; i++) {
    const [f, t] = r.pick(FIELDS);
    const v =
      t === 'number'
        ? String(r.int(0, 5000))
        : t === 'boolean'
          ? String(r.chance(0.5))
          : `'${r.pick(ADJ)}-${r.int(1, 99)}'`;
    lines.push(`  ${f}${i}: ${v},`);
  }
  lines.push(ctx.lang === 'ts' ? '} as const;' : '};', '');
  return lines;
}

function pureFunctionBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const fn = `${r.pick(VERBS)}${cap(plural(noun))}${r.int(1, 9)}`;
  const T = ctx.lang === 'ts';
  const lines = [
    `export function ${fn}(items${T ? `: Array<{ id: string; status: string; amount?: number }>` : ''}, options${T ? ': { limit?: number; status?: string }' : ''} = {})${T ? ': Record<string, number>' : ''} {`,
    `  const result${typeAnn(ctx, 'Record<string, number>')} = {};`,
    `  const limit = options.limit ?? ${r.int(10, 500)};`,
    '  let seen = 0;',
    '  for (const item of items) {',
    '    if (seen >= limit) break;',
    '    if (options.status && item.status !== options.status) continue;',
    `    const key = \`\${item.status}:\${item.id.slice(0, ${r.int(2, 8)})}\`;`,
    '    result[key] = (result[key] ?? 0) + (item.amount ?? 1);',
    '    seen++;',
    '  }',
  ];
  if (r.chance(0.5)) {
    lines.push(
      '  const total = Object.values(result).reduce((sum, n) => sum + n, 0);',
      `  if (total > ${r.int(1000, 90000)}) {`,
      `    result.overflow = total - ${r.int(100, 900)};`,
      '  }',
    );
  }
  lines.push('  return result;', '}', '');
  return lines;
}

function switchBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const states = [...ADJ].sort(() => r.float() - 0.5).slice(0, r.int(3, 6));
  const T = ctx.lang === 'ts';
  return [
    `export function describe${cap(noun)}State(state${T ? ': string' : ''}, count${T ? ': number' : ''})${T ? ': string' : ''} {`,
    '  switch (state) {',
    ...states.flatMap((s, i) => [
      `    case '${s}':`,
      i % 2 === 0
        ? `      return count > ${r.int(1, 20)} ? '${s} (many)' : '${s}';`
        : `      return \`${s}: \${count}\`;`,
    ]),
    '    default:',
    `      return 'unknown ${noun} state';`,
    '  }',
    '}',
    '',
  ];
}

function arrowBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const T = ctx.lang === 'ts';
  const a = `${r.pick(VERBS)}${cap(noun)}Key`;
  return [
    `export const ${a} = (value${T ? ': { id: string; tenantId?: string }' : ''}, prefix = '${noun}')${T ? ': string' : ''} =>`,
    `  [prefix, value.tenantId ?? 'global', value.id].filter(Boolean).join('${r.pick([':', '/', '.'])}');`,
    '',
    `export const is${cap(r.pick(ADJ))}${cap(noun)} = (value${T ? ': { status?: string; expiresAt?: Date }' : ''}, now = new Date())${T ? ': boolean' : ''} =>`,
    `  value.status === '${r.pick(ADJ)}' && (!value.expiresAt || value.expiresAt.getTime() > now.getTime());`,
    '',
  ];
}

/** A try/catch that has nothing to do with JWTs (ordinary error handling), logged or rethrown. */
function asyncBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const T = ctx.lang === 'ts';
  const fn = `${r.pick(VERBS)}${cap(noun)}${r.pick(['Batch', 'Page', 'Snapshot', 'Summary'])}`;
  const lines = [
    `export async function ${fn}(client${T ? ': { get(url: string): Promise<{ status: number; body: unknown }> }' : ''}, ids${T ? ': string[]' : ''})${T ? ': Promise<unknown[]>' : ''} {`,
    `  const out${typeAnn(ctx, 'unknown[]')} = [];`,
    `  for (let i = 0; i < ids.length; i += ${r.int(5, 50)}) {`,
    `    const chunk = ids.slice(i, i + ${r.int(5, 50)});`,
    '    try {',
    `      const responses = await Promise.all(chunk.map((id) => client.get(\`/${plural(noun)}/\${encodeURIComponent(id)}\`)));`,
    '      for (const res of responses) {',
    '        if (res.status >= 400) continue;',
    '        out.push(res.body);',
    '      }',
    '    } catch (error) {',
  ];
  const h = r.int(0, 2);
  if (h === 0 && ctx.logger)
    lines.push(
      `      ${ctx.logger}.warn({ err: error, chunk: chunk.length }, '${noun} batch failed');`,
    );
  else if (h === 1)
    lines.push(`      throw new Error(\`${noun} batch failed at \${i}: \${String(error)}\`);`);
  else lines.push(`      out.push({ failed: chunk, reason: String(error) });`);
  lines.push('    }', '  }', '  return out;', '}', '');
  return lines;
}

function classBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const T = ctx.lang === 'ts';
  const C = `${cap(noun)}${r.pick(['Service', 'Manager', 'Store', 'Repository', 'Registry'])}`;
  const lines = [
    `export class ${C} {`,
    T
      ? `  private readonly cache = new Map<string, { value: unknown; at: number }>();`
      : '  cache = new Map();',
    '',
    T
      ? `  constructor(private readonly db: { query(sql: string, params: unknown[]): Promise<unknown[]> }, private readonly ttlMs = ${r.int(1000, 60000)}) {}`
      : `  constructor(db, ttlMs = ${r.int(1000, 60000)}) {\n    this.db = db;\n    this.ttlMs = ttlMs;\n  }`,
    '',
  ];
  for (let i = 0, n = r.int(2, 5); i < n; i++) {
    const verb = r.pick(VERBS);
    const m = `${verb}${cap(noun)}${i === 0 ? '' : cap(r.pick(ADJ))}`;
    lines.push(
      `  async ${m}(id${T ? ': string' : ''}, force = false)${T ? ': Promise<unknown>' : ''} {`,
      '    const hit = this.cache.get(id);',
      '    if (!force && hit && Date.now() - hit.at < this.ttlMs) return hit.value;',
      `    const rows = await this.db.query('SELECT * FROM ${plural(noun)} WHERE id = $1 AND status <> $2', [id, '${r.pick(ADJ)}']);`,
      `    const value = rows.length > 0 ? rows[0] : null;`,
      '    this.cache.set(id, { value, at: Date.now() });',
      '    return value;',
      '  }',
      '',
    );
  }
  lines.push(`  clear()${T ? ': void' : ''} {`, '    this.cache.clear();', '  }', '}', '');
  return lines;
}

const ORDINARY_BLOCKS = [
  interfaceBlock,
  unionBlock,
  constBlock,
  pureFunctionBlock,
  switchBlock,
  arrowBlock,
  asyncBlock,
  classBlock,
  pureFunctionBlock,
  classBlock,
];

/** Pads `lines` with ordinary blocks until the target length. */
function pad(ctx: Ctx, lines: string[], target: number): string[] {
  while (lines.length < target) lines.push(...ctx.r.pick(ORDINARY_BLOCKS)(ctx));
  return lines;
}

function importLine(
  lang: Lang,
  what: string,
  from: string,
  kind: 'default' | 'named' | 'namespace' = 'named',
): string {
  if (lang === 'js') {
    if (kind === 'default' || kind === 'namespace') return `const ${what} = require('${from}');`;
    return `const { ${what} } = require('${from}');`;
  }
  if (kind === 'default') return `import ${what} from '${from}';`;
  if (kind === 'namespace') return `import * as ${what} from '${from}';`;
  return `import { ${what} } from '${from}';`;
}

/** An ordinary module: imports a few siblings, then blocks. Returns its exported names too. */
function ordinaryFile(
  r: Rand,
  pkg: Pkg,
  rel: string,
  stem: string,
): { text: string; exports: string[] } {
  const noun = r.pick(NOUNS);
  const ctx: Ctx = { r, lang: pkg.lang, noun, logger: null };
  const lines: string[] = [];
  const siblings = Object.values(pkg.modules)
    .flat()
    .filter((m) => m.stem !== stem);
  for (let i = 0, n = r.int(0, 4); i < n && siblings.length > 0; i++) {
    const m = r.pick(siblings);
    if (m.exports.length === 0) continue;
    lines.push(importLine(pkg.lang, r.pick(m.exports), spec(rel, m.stem, pkg.lang)));
  }
  if (pkg.framework !== null && r.chance(0.35)) {
    lines.push(importLine(pkg.lang, 'logger', spec(rel, `${pkg.root}/lib/index`, pkg.lang)));
    ctx.logger = 'logger';
  } else if (r.chance(0.1)) ctx.logger = 'console';
  if (r.chance(0.2)) lines.push(importLine(pkg.lang, 'path', 'node:path', 'default'));
  lines.push('');
  pad(ctx, lines, r.fileLines());
  const text = lines.join('\n');
  const exports = [...text.matchAll(/^export (?:async function|function|const|class) (\w+)/gm)].map(
    (m) => m[1],
  );
  if (pkg.lang === 'js') return { text: toCommonJs(text, exports), exports };
  return { text, exports };
}

/** ESM `export` declarations -> CommonJS (`module.exports = { ... }`). */
function toCommonJs(text: string, exports: string[]): string {
  const body = text.replace(/^export (async function|function|const|class) /gm, '$1 ');
  return `'use strict';\n\n${body}\nmodule.exports = { ${exports.join(', ')} };\n`;
}

/* ------------------------------------------------------------------ JWT and server code */

type CatchStyle = 'logger' | 'console' | 'helper' | 'silent' | 'next' | 'rethrow' | 'empty';

function catchBody(
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
        `${indent}logger.${r.pick(['warn', 'error', 'info'])}({ err: ${err} }, 'token verification failed');`,
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

const CATCH_WEIGHTS: Record<CatchStyle, number> = {
  logger: 4,
  console: 2,
  helper: 2,
  silent: 3,
  next: 2,
  rethrow: 1,
  empty: 1,
};

/** The shared JWT helper of a package (auth/verify): several verification styles. */
function authHelperFile(r: Rand, pkg: Pkg, rel: string): string {
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
    `export function logAuthFailure(error${T ? ': unknown' : ''}, scope${T ? ': string' : ''})${T ? ': void' : ''} {`,
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
        `  return ${style === 'default' ? 'jwt.sign' : 'sign'}({ sub }, ${secret}, { expiresIn: '15m' });`,
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
        `const JWKS = createRemoteJWKSet(new URL(process.env.JWKS_URL ?? 'https://issuer.example.com/.well-known/jwks.json'));`,
        '',
        `export async function verifyAccessToken(token${T ? ': string' : ''}) {`,
        '  try {',
        "    const { payload } = await jwtVerify(token, JWKS, { issuer: 'https://issuer.example.com', audience: 'api' });",
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
        `  return new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('15m').sign(new TextEncoder().encode(${secret}));`,
        '}',
        '',
      );
      break;
    case 'callback':
      lines.push(
        `export function verifyAccessToken(token${T ? ': string' : ''}, done${T ? ': (err: Error | null, claims?: unknown) => void' : ''}) {`,
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

function loggerFile(r: Rand, pkg: Pkg): string {
  const L = pkg.lang;
  const kind = r.weighted({ pino: 3, winston: 2, console: 1 });
  const lines: string[] = [];
  if (kind === 'pino')
    lines.push(
      importLine(L, 'pino', 'pino', 'default'),
      '',
      `export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] });`,
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

function indexFile(pkg: Pkg, rel: string, targets: string[]): string {
  if (pkg.lang === 'js')
    return `'use strict';\n\nmodule.exports = {\n${targets.map((t) => `  ...require('${spec(rel, t, 'js')}'),`).join('\n')}\n};\n`;
  return `${targets.map((t) => `export * from '${spec(rel, t, 'ts')}';`).join('\n')}\n`;
}

/** Express/Koa auth middleware: verifies inline (various styles) or through the package helper. */
function middlewareFile(r: Rand, pkg: Pkg, rel: string): string {
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
      `export async function requireAuth(ctx${T ? ': any' : ''}, next${T ? ': () => Promise<void>' : ''}) {`,
      "  const header = ctx.get('Authorization') || '';",
      "  const token = header.replace(/^Bearer /, '');",
      '  try {',
    );
    lines.push(
      inline
        ? `    ctx.state.user = ${jwtStyle === 'named' ? 'verifyJwt' : 'jwt.verify'}(token, ${secret});`
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

function handlerBody(
  r: Rand,
  T: boolean,
  noun: string,
  style: 'express' | 'koa' | 'hono' | 'fastify',
): string[] {
  const svc = `${noun}Service`;
  const id =
    style === 'express'
      ? 'req.params.id'
      : style === 'koa'
        ? 'ctx.params.id'
        : style === 'hono'
          ? "c.req.param('id')"
          : `(request.params${T ? ' as { id: string }' : ''}).id`;
  const send = (v: string, code = 200) =>
    style === 'express'
      ? `res.status(${code}).json(${v})`
      : style === 'koa'
        ? `(ctx.status = ${code}, ctx.body = ${v})`
        : style === 'hono'
          ? `c.json(${v}, ${code})`
          : `reply.code(${code}).send(${v})`;
  const lines = [
    `    const item = await ${svc}.load${cap(noun)}(${id});`,
    `    if (!item) return ${send("{ error: 'not found' }", 404)};`,
  ];
  if (r.chance(0.5))
    lines.push(
      `    const view = { ...item, links: { self: \`/${plural(noun)}/\${${id}}\` } };`,
      `    return ${send('view')};`,
    );
  else lines.push(`    return ${send('item')};`);
  return lines;
}

function routesFile(r: Rand, pkg: Pkg, rel: string): string {
  const L = pkg.lang;
  const T = L === 'ts';
  const fw = pkg.framework!;
  const noun = r.pick(NOUNS);
  const lines: string[] = [];
  const limited = r.chance(0.4);
  const svcModule = pkg.modules.services?.length ? r.pick(pkg.modules.services) : undefined;
  const svcImport = svcModule
    ? importLine(
        L,
        svcModule.exports.find((e) => /Service|Manager|Store|Repository|Registry/.test(e)) ??
          svcModule.exports[0] ??
          'default',
        spec(rel, svcModule.stem, L),
      )
    : '';
  const verbs = ['get', 'post', 'put', 'delete', 'patch'];
  const nRoutes = r.int(2, 7);
  const svcDecl = `const ${noun}Service = { load${cap(noun)}: async (id${T ? ': string' : ''}) => ({ id }) };`;
  if (fw === 'express') {
    lines.push(
      importLine(L, 'Router', 'express'),
      importLine(L, 'authenticate', spec(rel, `${pkg.root}/middleware/auth`, L)),
    );
    if (limited) lines.push(importLine(L, 'rateLimit', 'express-rate-limit', 'default'));
    if (svcImport) lines.push(svcImport);
    lines.push('', svcDecl, 'export const router = Router();');
    if (limited)
      lines.push(
        `const limiter = rateLimit({ windowMs: ${r.int(1, 15)} * 60 * 1000, max: ${r.int(20, 500)} });`,
      );
    lines.push('');
    for (let i = 0; i < nRoutes; i++) {
      const v = r.pick(verbs);
      const mws = [
        limited && r.chance(0.7) ? 'limiter' : '',
        r.chance(0.7) ? 'authenticate' : '',
      ].filter(Boolean);
      lines.push(
        `router.${v}('/${plural(noun)}/:id${i ? `/${r.pick(ADJ)}` : ''}', ${mws.map((m) => `${m}, `).join('')}async (req, res, next) => {`,
        '  try {',
        ...handlerBody(r, T, noun, 'express'),
        '  } catch (error) {',
        r.chance(0.6) ? '    next(error);' : "    res.status(500).json({ error: 'internal' });",
        '  }',
        '});',
        '',
      );
    }
  } else if (fw === 'koa') {
    lines.push(
      importLine(L, 'Router', '@koa/router', 'default'),
      importLine(L, 'requireAuth', spec(rel, `${pkg.root}/middleware/auth`, L)),
    );
    if (limited) lines.push(importLine(L, 'ratelimit', 'koa-ratelimit', 'default'));
    lines.push('', svcDecl, `export const router = new Router({ prefix: '/${plural(noun)}' });`);
    if (limited)
      lines.push(
        `router.use(ratelimit({ driver: 'memory', db: new Map(), duration: ${r.int(10, 60)}000, max: ${r.int(50, 500)} }));`,
      );
    lines.push('');
    for (let i = 0; i < nRoutes; i++)
      lines.push(
        `router.${r.pick(verbs)}('/:id${i ? `/${r.pick(ADJ)}` : ''}', requireAuth, async (ctx) => {`,
        ...handlerBody(r, T, noun, 'koa').map((l) => l.slice(2)),
        '});',
        '',
      );
  } else if (fw === 'fastify') {
    lines.push(
      importLine(L, 'fp', 'fastify-plugin', 'default'),
      importLine(L, 'fastifyJwt', '@fastify/jwt', 'default'),
    );
    if (limited) lines.push(importLine(L, 'rateLimit', '@fastify/rate-limit', 'default'));
    const cs = r.weighted(CATCH_WEIGHTS);
    lines.push(
      '',
      svcDecl,
      '',
      `export default fp(async function ${noun}Routes(fastify${T ? ': any' : ''}) {`,
      '  fastify.register(fastifyJwt, { secret: process.env.JWT_SECRET });',
    );
    if (limited)
      lines.push(
        `  await fastify.register(rateLimit, { max: ${r.int(50, 500)}, timeWindow: '1 minute' });`,
      );
    lines.push(
      `  fastify.decorate('authenticate', async (request${T ? ': any' : ''}, reply${T ? ': any' : ''}) => {`,
      '    try {',
      '      await request.jwtVerify();',
      '    } catch (err) {',
      ...catchBody(
        r,
        cs === 'helper' ? 'logger' : cs,
        '      ',
        'err',
        'return reply.send(err);',
      ).map((l) =>
        l
          .replace(/\blogger\./, 'request.log.')
          .replace('return next(err);', 'return reply.send(err);'),
      ),
      '    }',
      '  });',
      '',
    );
    for (let i = 0; i < nRoutes; i++)
      lines.push(
        `  fastify.${r.pick(verbs)}('/${plural(noun)}/:id${i ? `/${r.pick(ADJ)}` : ''}', { preHandler: [fastify.authenticate] }, async (request${T ? ': any' : ''}, reply${T ? ': any' : ''}) => {`,
        ...handlerBody(r, T, noun, 'fastify'),
        '  });',
        '',
      );
    lines.push('});', '');
  } else if (fw === 'hono') {
    lines.push(
      importLine(L, 'Hono', 'hono'),
      importLine(L, 'verify', 'hono/jwt'),
      importLine(L, 'logger', spec(rel, `${pkg.root}/lib/index`, L)),
    );
    const cs = r.weighted(CATCH_WEIGHTS);
    lines.push(
      '',
      svcDecl,
      'export const app = new Hono();',
      '',
      "app.use('/api/*', async (c, next) => {",
      "  const token = c.req.header('Authorization')?.replace('Bearer ', '') ?? '';",
      '  try {',
      `    c.set('jwtPayload', await verify(token, process.env.JWT_SECRET${T ? '!' : ''}));`,
      '  } catch (err) {',
      ...catchBody(
        r,
        cs === 'helper' ? 'console' : cs,
        '    ',
        'err',
        "return c.json({ error: 'unauthorized' }, 401);",
      ),
      '  }',
      '  await next();',
      '});',
      '',
    );
    for (let i = 0; i < nRoutes; i++)
      lines.push(
        `app.${r.pick(verbs)}('/api/${plural(noun)}/:id${i ? `/${r.pick(ADJ)}` : ''}', async (c) => {`,
        ...handlerBody(r, T, noun, 'hono').map((l) => l.slice(2)),
        '});',
        '',
      );
  }
  const ctx: Ctx = { r, lang: L, noun, logger: fw === 'hono' ? 'logger' : null };
  const text = pad(ctx, lines, r.fileLines()).join('\n');
  return L === 'js'
    ? toCommonJs(
        text,
        [...text.matchAll(/^export (?:async function|function|const|class) (\w+)/gm)].map(
          (m) => m[1],
        ),
      )
    : text;
}

function nestControllerFile(r: Rand, pkg: Pkg, rel: string, noun: string): string {
  const lines = [
    "import { Controller, Get, Post, Param, Body, UseGuards, Logger } from '@nestjs/common';",
    `import { JwtAuthGuard } from '${spec(rel, `${pkg.root}/auth/jwt.guard`, 'ts')}';`,
    `import { ${cap(noun)}Service } from './${noun}.service.js';`,
  ];
  const throttled = r.chance(0.4);
  if (throttled) lines.push("import { Throttle } from '@nestjs/throttler';");
  lines.push(
    '',
    `@Controller('${plural(noun)}')`,
    '@UseGuards(JwtAuthGuard)',
    `export class ${cap(noun)}Controller {`,
    `  private readonly logger = new Logger(${cap(noun)}Controller.name);`,
    '',
    `  constructor(private readonly service: ${cap(noun)}Service) {}`,
    '',
  );
  for (let i = 0, n = r.int(2, 6); i < n; i++) {
    const get = r.chance(0.6);
    if (throttled && r.chance(0.5))
      lines.push(`  @Throttle({ default: { limit: ${r.int(5, 100)}, ttl: 60000 } })`);
    lines.push(
      `  @${get ? 'Get' : 'Post'}('${i ? `${r.pick(ADJ)}/` : ''}:id')`,
      `  async ${get ? 'get' : 'update'}${cap(noun)}${i}(@Param('id') id: string${get ? '' : ', @Body() body: Record<string, unknown>'}) {`,
      `    this.logger.debug(\`${get ? 'get' : 'update'} ${noun} \${id}\`);`,
      `    return this.service.load${cap(noun)}(id${get ? '' : ', true'});`,
      '  }',
      '',
    );
  }
  lines.push('}', '');
  return pad({ r, lang: 'ts', noun, logger: null }, lines, r.int(50, 140)).join('\n');
}

function nestServiceFile(r: Rand, noun: string): string {
  const lines = [
    "import { Injectable } from '@nestjs/common';",
    '',
    '@Injectable()',
    `export class ${cap(noun)}Service {`,
    '  private readonly items = new Map<string, unknown>();',
    '',
    `  async load${cap(noun)}(id: string, force = false): Promise<unknown> {`,
    '    if (!force && this.items.has(id)) return this.items.get(id);',
    `    const value = { id, kind: '${noun}', at: Date.now() };`,
    '    this.items.set(id, value);',
    '    return value;',
    '  }',
    '}',
    '',
  ];
  return pad({ r, lang: 'ts', noun, logger: null }, lines, r.fileLines()).join('\n');
}

function nestGuardFile(r: Rand): string {
  const cs = r.weighted(CATCH_WEIGHTS);
  const asyncVerify = r.chance(0.6);
  const lines = [
    "import { CanActivate, ExecutionContext, Injectable, Logger, UnauthorizedException } from '@nestjs/common';",
    "import { JwtService } from '@nestjs/jwt';",
    '',
    '@Injectable()',
    'export class JwtAuthGuard implements CanActivate {',
    '  private readonly logger = new Logger(JwtAuthGuard.name);',
    '',
    '  constructor(private readonly jwtService: JwtService) {}',
    '',
    '  async canActivate(context: ExecutionContext): Promise<boolean> {',
    '    const request = context.switchToHttp().getRequest();',
    "    const [type, token] = (request.headers.authorization ?? '').split(' ');",
    "    if (type !== 'Bearer' || !token) throw new UnauthorizedException();",
    '    try {',
    `      request.user = ${asyncVerify ? 'await this.jwtService.verifyAsync(token)' : 'this.jwtService.verify(token)'};`,
    '    } catch (err) {',
    ...catchBody(
      r,
      cs === 'next' || cs === 'helper' ? 'logger' : cs,
      '      ',
      'err',
      'throw new UnauthorizedException();',
    ).map((l) =>
      l
        .replace(/\blogger\./, 'this.logger.')
        .replace(/this\.logger\.info/, 'this.logger.warn')
        .replace(/\(\{ err: err \}, ('[^']*')\)/, '($1, String(err))'),
    ),
    '    }',
    '    return true;',
    '  }',
    '}',
    '',
  ];
  return pad({ r, lang: 'ts', noun: 'guard', logger: null }, lines, r.int(50, 90)).join('\n');
}

function nextRouteFile(r: Rand, pkg: Pkg, rel: string, noun: string): string {
  const cs = r.weighted(CATCH_WEIGHTS);
  const viaHelper = r.chance(0.5);
  const lines = ["import { NextRequest, NextResponse } from 'next/server';"];
  if (viaHelper)
    lines.push(`import { verifyAccessToken } from '${spec(rel, `${pkg.root}/auth/index`, 'ts')}';`);
  else lines.push("import { jwtVerify } from 'jose';");
  lines.push(
    `import { logger } from '${spec(rel, `${pkg.root}/lib/index`, 'ts')}';`,
    '',
    'const secret = new TextEncoder().encode(process.env.JWT_SECRET);',
    '',
  );
  for (const method of ['GET', 'POST'].slice(0, r.int(1, 2))) {
    lines.push(
      `export async function ${method}(request: NextRequest) {`,
      "  const token = request.cookies.get('session')?.value ?? '';",
      '  let claims: unknown;',
      '  try {',
    );
    lines.push(
      viaHelper
        ? '    claims = await verifyAccessToken(token);'
        : '    claims = (await jwtVerify(token, secret)).payload;',
    );
    lines.push(
      '  } catch (err) {',
      ...catchBody(
        r,
        cs === 'helper' || cs === 'next' ? 'logger' : cs,
        '    ',
        'err',
        "return NextResponse.json({ error: 'unauthorized' }, { status: 401 });",
      ),
      '  }',
      `  return NextResponse.json({ ${noun}: { id: request.nextUrl.searchParams.get('id') }, claims });`,
      '}',
      '',
    );
  }
  return pad({ r, lang: 'ts', noun, logger: 'logger' }, lines, r.int(50, 160)).join('\n');
}

/* ------------------------------------------------------------------ package planning */

function planPackage(
  r: Rand,
  index: number,
  size: number,
  out: GenFile[],
  extras: GenFile[],
): void {
  const server = r.chance(0.55);
  const framework: Framework | null = server
    ? r.weighted({ express: 35, fastify: 15, nest: 20, koa: 10, hono: 10, next: 10 })
    : null;
  const lang: Lang = framework === 'nest' || framework === 'next' || r.chance(0.8) ? 'ts' : 'js';
  const name = `${r.pick(NOUNS)}-${server ? r.pick(['api', 'service', 'gateway', 'server']) : r.pick(['core', 'domain', 'shared', 'sdk', 'utils', 'jobs'])}-${index}`;
  const pkg: Pkg = { name, root: `packages/${name}/src`, lang, framework, modules: {} };
  const ext = lang === 'ts' ? '.ts' : '.js';
  const files: GenFile[] = [];
  const add = (stem: string, text: string, jwt = false) =>
    files.push({ rel: stem + ext, text, jwt, counted: true });
  const R = pkg.root;

  // Fixed server skeleton first, then ordinary modules, then routes (which import services).
  if (framework !== null) {
    add(`${R}/lib/logger`, loggerFile(r, pkg));
    add(`${R}/lib/index`, indexFile(pkg, `${R}/lib/index`, [`${R}/lib/logger`]));
    add(`${R}/auth/verify`, authHelperFile(r, pkg, `${R}/auth/verify`), true);
    add(`${R}/auth/index`, indexFile(pkg, `${R}/auth/index`, [`${R}/auth/verify`]));
    if (framework === 'express' || framework === 'koa')
      add(`${R}/middleware/auth`, middlewareFile(r, pkg, `${R}/middleware/auth`), true);
    if (framework === 'nest') add(`${R}/auth/jwt.guard`, nestGuardFile(r), true);
  }
  const skeleton = files.length;
  const routeCount =
    framework === null ? 0 : Math.max(1, Math.round(((size - skeleton) * r.int(8, 18)) / 100));
  const ordinaryCount = Math.max(0, size - skeleton - routeCount - 1); // -1: package index
  const folders =
    framework === null
      ? ['models', 'services', 'utils', 'lib', 'domain', 'config', 'jobs']
      : ['models', 'services', 'utils', 'config', 'jobs', 'domain'];
  const stems = new Set<string>();
  for (let i = 0; i < ordinaryCount; i++) {
    const folder = r.pick(folders);
    let stem: string;
    do
      stem = `${R}/${folder}/${r.pick(ADJ)}-${r.pick(NOUNS)}${r.chance(0.3) ? `-${r.pick(VERBS)}` : ''}`;
    while (stems.has(stem));
    stems.add(stem);
    const { text, exports } = ordinaryFile(r, pkg, stem, stem);
    (pkg.modules[folder] ??= []).push({ stem, exports });
    add(stem, text);
  }
  const nouns = new Set<string>();
  for (let i = 0; i < routeCount; i++) {
    let noun = r.pick(NOUNS);
    if (nouns.has(noun)) noun = `${noun}${i}`;
    nouns.add(noun);
    if (framework === 'nest') {
      if (i % 2 === 0)
        add(
          `${R}/${noun}/${noun}.controller`,
          nestControllerFile(r, pkg, `${R}/${noun}/${noun}.controller`, noun),
        );
      else add(`${R}/${noun}/${noun}.service`, nestServiceFile(r, noun));
    } else if (framework === 'next')
      add(
        `${R}/app/api/${noun}/route`,
        nextRouteFile(r, pkg, `${R}/app/api/${noun}/route`, noun),
        true,
      );
    else add(`${R}/routes/${noun}`, routesFile(r, pkg, `${R}/routes/${noun}`), true);
  }
  const top = Object.keys(pkg.modules)
    .slice(0, 4)
    .map((f) => pkg.modules[f][0].stem);
  add(
    `${R}/index`,
    lang === 'ts' ? indexFile(pkg, `${R}/index`, top) : indexFile(pkg, `${R}/index`, top),
  );
  // Nest services for controllers whose service came after the loop ended.
  if (framework === 'nest') {
    for (const f of files) {
      const m = /\/(\w+)\/\1\.controller\.ts$/.exec(f.rel);
      if (m && !files.some((g) => g.rel === f.rel.replace('.controller.ts', '.service.ts'))) {
        // keep the count: replace an ordinary file's slot is not worth it; a tiny service is fine
        files.push({
          rel: f.rel.replace('.controller.ts', '.service.ts'),
          text: nestServiceFile(r, m[1]),
          jwt: false,
          counted: true,
        });
      }
    }
  }
  out.push(...files.slice(0, size));

  // Not counted: tests (skipped by default), generated/ (root .gitignore), tmp/ and *.local.ts
  // (package .gitignore).
  for (let i = 0, n = r.int(1, 4); i < n; i++)
    extras.push({
      rel: `${R}/__tests__/${r.pick(NOUNS)}-${i}.test${ext}`,
      text: pad({ r, lang, noun: 'test', logger: null }, [], 60).join('\n'),
      jwt: false,
      counted: false,
    });
  for (let i = 0, n = r.int(0, 3); i < n; i++)
    extras.push({
      rel: `${R}/generated/${r.pick(NOUNS)}-${i}${ext}`,
      text: pad({ r, lang, noun: 'gen', logger: null }, [], 80).join('\n'),
      jwt: false,
      counted: false,
    });
  if (index % 10 === 3) {
    extras.push({
      rel: `packages/${name}/.gitignore`,
      text: 'tmp/\n*.local.ts\n',
      jwt: false,
      counted: false,
    });
    for (let i = 0; i < 5; i++) {
      extras.push({
        rel: `packages/${name}/tmp/scratch-${i}.ts`,
        text: pad({ r, lang: 'ts', noun: 'tmp', logger: null }, [], 60).join('\n'),
        jwt: false,
        counted: false,
      });
      extras.push({
        rel: `${R}/utils/override-${i}.local.ts`,
        text: pad({ r, lang: 'ts', noun: 'local', logger: null }, [], 60).join('\n'),
        jwt: false,
        counted: false,
      });
    }
  }
}

/** Generates the corpus in memory. */
export function generateCorpus(
  n: number,
  seed = DEFAULT_SEED,
): { files: GenFile[]; extras: GenFile[] } {
  const r = new Rand(prng(seed ^ Math.imul(n, 2654435761)));
  const files: GenFile[] = [];
  const extras: GenFile[] = [];
  for (let index = 0; files.length < n; index++) {
    const size = Math.min(r.int(60, 140), n - files.length);
    planPackage(r, index, size, files, extras);
  }
  // A node_modules tree (never analysed) and ignored build output, as in a real checkout.
  for (let i = 0; i < Math.ceil(n / 20); i++) {
    const mod = `${r.pick(NOUNS)}-lib-${i % 40}`;
    extras.push({
      rel: `node_modules/${mod}/lib/file-${i}.js`,
      text: pad({ r, lang: 'js', noun: 'dep', logger: null }, [], 50).join('\n'),
      jwt: false,
      counted: false,
    });
  }
  for (let i = 0; i < Math.ceil(n / 100); i++)
    extras.push({
      rel: `coverage/lcov-report/f${i}.js`,
      text: 'module.exports = {};\n',
      jwt: false,
      counted: false,
    });
  extras.push({
    rel: '.gitignore',
    text: '# build output\nnode_modules/\ncoverage/\ngenerated/\n*.log\n/tmp\n.cache/\n',
    jwt: false,
    counted: false,
  });
  extras.push({
    rel: 'package.json',
    text: `${JSON.stringify(
      { name: 'bench-monorepo', private: true, workspaces: ['packages/*'] },
      null,
      2,
    )}\n`,
    jwt: false,
    counted: false,
  });
  return { files, extras };
}

/**
 * Writes `.bench/corpus-<n>/` under `baseDir` unless a corpus with the same seed/version is there.
 */
export function ensureCorpus(
  baseDir: string,
  n: number,
  seed = DEFAULT_SEED,
  log: (s: string) => void = () => {},
): { dir: string; manifest: CorpusManifest; generated: boolean } {
  const dir = path.join(baseDir, `corpus-${n}`);
  const manifestPath = path.join(dir, '.corpus.json');
  try {
    const existing = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as CorpusManifest;
    if (existing.version === GENERATOR_VERSION && existing.seed === seed && existing.files === n)
      return { dir, manifest: existing, generated: false };
  } catch {
    // missing or unreadable: regenerate
  }
  log(`generating ${dir} (${n} files, seed ${seed})...`);
  fs.rmSync(dir, { recursive: true, force: true });
  const { files, extras } = generateCorpus(n, seed);
  const madeDirs = new Set<string>();
  let lines = 0;
  let bytes = 0;
  for (const f of [...files, ...extras]) {
    const abs = path.join(dir, f.rel);
    const d = path.dirname(abs);
    if (!madeDirs.has(d)) {
      fs.mkdirSync(d, { recursive: true });
      madeDirs.add(d);
    }
    const text = f.text.endsWith('\n') ? f.text : `${f.text}\n`;
    fs.writeFileSync(abs, text);
    if (f.counted) {
      lines += text.split('\n').length - 1;
      bytes += Buffer.byteLength(text);
    }
  }
  // Its own work tree: the enclosing repository's .gitignore (which lists .bench/) must not apply.
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  const manifest: CorpusManifest = {
    version: GENERATOR_VERSION,
    seed,
    files: files.length,
    lines,
    bytes,
    jwtFiles: files.filter((f) => f.jwt).length,
    extraFiles: extras.length,
  };
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest, generated: true };
}

// `node dist/bench/corpus.js <n> [seed]`: generate one corpus and print its manifest.
if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? DEFAULT_SEED);
  const base = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../.bench');
  const { dir, manifest } = ensureCorpus(base, n, seed, (s) => process.stderr.write(`${s}\n`));
  process.stdout.write(`${dir}\n${JSON.stringify(manifest)}\n`);
}
