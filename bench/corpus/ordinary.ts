/** Ordinary files of the synthetic corpus: services, models, utils with no JWT content. */
import path from 'node:path';
import { type Rand, NOUNS, VERBS, ADJ, FIELDS, cap, plural } from './random.js';

export type Lang = 'ts' | 'js';
export type Framework = 'express' | 'fastify' | 'nest' | 'koa' | 'hono' | 'next';

export interface GenFile {
  /** Relative to the corpus root, with extension. */
  rel: string;
  text: string;
  jwt: boolean;
  counted: boolean;
}

export interface Pkg {
  name: string;
  root: string; // packages/<name>/src
  lang: Lang;
  framework: Framework | null;
  /** Ordinary modules already planned in this package (rel paths without extension), by folder. */
  modules: Record<string, Array<{ stem: string; exports: string[] }>>;
}

/** Import specifier from one file to another (both rel, without extension). */
export function spec(fromRel: string, toStem: string, lang: Lang): string {
  let r = path.posix.relative(path.posix.dirname(fromRel), toStem);
  if (!r.startsWith('.')) r = `./${r}`;
  return lang === 'ts' ? `${r}.js` : r;
}

/* ------------------------------------------------------------------ ordinary code blocks */

export interface Ctx {
  r: Rand;
  lang: Lang;
  noun: string;
  /** Loggers available in scope (`logger`), if any. */
  logger: string | null;
}

export function typeAnn(ctx: Ctx, t: string): string {
  return ctx.lang === 'ts' ? `: ${t}` : '';
}

export function interfaceBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  if (ctx.lang === 'js')
    return [`/** @typedef {{ id: string, name: string, status: string }} ${cap(noun)}Shape */`, ''];
  const n = r.int(4, 10);
  const fields = [...FIELDS].sort(() => r.float() - 0.5).slice(0, n);
  const name =
    `${cap(r.pick(ADJ))}${cap(noun)}` +
    `${r.pick(['Record', 'Dto', 'Entity', 'Row', 'Input', 'View'])}`;
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

export function unionBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const states = [...ADJ].sort(() => r.float() - 0.5).slice(0, r.int(3, 6));
  if (ctx.lang === 'js')
    return [
      `export const ${noun.toUpperCase()}_STATES = ` +
        `Object.freeze([${states.map((s) => `'${s}'`).join(', ')}]);`,
      '',
    ];
  return [`export type ${cap(noun)}Status = ${states.map((s) => `'${s}'`).join(' | ')};`, ''];
}

export function constBlock(ctx: Ctx): string[] {
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

export function pureFunctionBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const fn = `${r.pick(VERBS)}${cap(plural(noun))}${r.int(1, 9)}`;
  const T = ctx.lang === 'ts';
  const lines = [
    `export function ${fn}(items` +
      `${T ? `: Array<{ id: string; status: string; amount?: number }>` : ''}, ` +
      `options${T ? ': { limit?: number; status?: string }' : ''} = {})` +
      `${T ? ': Record<string, number>' : ''} {`,
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

export function switchBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const states = [...ADJ].sort(() => r.float() - 0.5).slice(0, r.int(3, 6));
  const T = ctx.lang === 'ts';
  return [
    `export function describe${cap(noun)}State(state${T ? ': string' : ''}, ` +
      `count${T ? ': number' : ''})${T ? ': string' : ''} {`,
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

export function arrowBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const T = ctx.lang === 'ts';
  const a = `${r.pick(VERBS)}${cap(noun)}Key`;
  return [
    `export const ${a} = (value${T ? ': { id: string; tenantId?: string }' : ''}, ` +
      `prefix = '${noun}')${T ? ': string' : ''} =>`,
    "  [prefix, value.tenantId ?? 'global', value.id].filter(Boolean)" +
      `.join('${r.pick([':', '/', '.'])}');`,
    '',
    `export const is${cap(r.pick(ADJ))}${cap(noun)} = ` +
      `(value${T ? ': { status?: string; expiresAt?: Date }' : ''}, ` +
      `now = new Date())${T ? ': boolean' : ''} =>`,
    `  value.status === '${r.pick(ADJ)}' && ` +
      '(!value.expiresAt || value.expiresAt.getTime() > now.getTime());',
    '',
  ];
}

/** A try/catch that has nothing to do with JWTs (ordinary error handling), logged or rethrown. */
export function asyncBlock(ctx: Ctx): string[] {
  const { r, noun } = ctx;
  const T = ctx.lang === 'ts';
  const fn = `${r.pick(VERBS)}${cap(noun)}${r.pick(['Batch', 'Page', 'Snapshot', 'Summary'])}`;
  const lines = [
    `export async function ${fn}(client` +
      `${T ? ': { get(url: string): Promise<{ status: number; body: unknown }> }' : ''}, ` +
      `ids${T ? ': string[]' : ''})${T ? ': Promise<unknown[]>' : ''} {`,
    `  const out${typeAnn(ctx, 'unknown[]')} = [];`,
    `  for (let i = 0; i < ids.length; i += ${r.int(5, 50)}) {`,
    `    const chunk = ids.slice(i, i + ${r.int(5, 50)});`,
    '    try {',
    '      const responses = await Promise.all(chunk.map((id) => ' +
      `client.get(\`/${plural(noun)}/\${encodeURIComponent(id)}\`)));`,
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

export function classBlock(ctx: Ctx): string[] {
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
      ? '  constructor(private readonly db: ' +
        '{ query(sql: string, params: unknown[]): Promise<unknown[]> }, ' +
        `private readonly ttlMs = ${r.int(1000, 60000)}) {}`
      : `  constructor(db, ttlMs = ${r.int(1000, 60000)}) {\n` +
        '    this.db = db;\n    this.ttlMs = ttlMs;\n  }',
    '',
  ];
  for (let i = 0, n = r.int(2, 5); i < n; i++) {
    const verb = r.pick(VERBS);
    const m = `${verb}${cap(noun)}${i === 0 ? '' : cap(r.pick(ADJ))}`;
    lines.push(
      `  async ${m}(id${T ? ': string' : ''}, force = false)${T ? ': Promise<unknown>' : ''} {`,
      '    const hit = this.cache.get(id);',
      '    if (!force && hit && Date.now() - hit.at < this.ttlMs) return hit.value;',
      `    const rows = await this.db.query('SELECT * FROM ${plural(noun)} ` +
        `WHERE id = $1 AND status <> $2', [id, '${r.pick(ADJ)}']);`,
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

export const ORDINARY_BLOCKS = [
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
export function pad(ctx: Ctx, lines: string[], target: number): string[] {
  while (lines.length < target) lines.push(...ctx.r.pick(ORDINARY_BLOCKS)(ctx));
  return lines;
}

export function importLine(
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
export function ordinaryFile(
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
export function toCommonJs(text: string, exports: string[]): string {
  const body = text.replace(/^export (async function|function|const|class) /gm, '$1 ');
  return `'use strict';\n\n${body}\nmodule.exports = { ${exports.join(', ')} };\n`;
}

/* ------------------------------------------------------------------ JWT and server code */
