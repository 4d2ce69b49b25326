/** Route files of the synthetic corpus for each framework (Express to Next.js). */
import { type Rand, NOUNS, ADJ, cap, plural } from './random.js';
import { type Pkg, spec, type Ctx, pad, importLine, toCommonJs } from './ordinary.js';
import { catchBody, CATCH_WEIGHTS } from './auth-files.js';

export function handlerBody(
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

export function routesFile(r: Rand, pkg: Pkg, rel: string): string {
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
  const svcDecl =
    `const ${noun}Service = { load${cap(noun)}: ` +
    `async (id${T ? ': string' : ''}) => ({ id }) };`;
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
        `const limiter = rateLimit({ windowMs: ${r.int(1, 15)} * 60 * 1000, ` +
          `max: ${r.int(20, 500)} });`,
      );
    lines.push('');
    for (let i = 0; i < nRoutes; i++) {
      const v = r.pick(verbs);
      const mws = [
        limited && r.chance(0.7) ? 'limiter' : '',
        r.chance(0.7) ? 'authenticate' : '',
      ].filter(Boolean);
      lines.push(
        `router.${v}('/${plural(noun)}/:id${i ? `/${r.pick(ADJ)}` : ''}', ` +
          `${mws.map((m) => `${m}, `).join('')}async (req, res, next) => {`,
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
        "router.use(ratelimit({ driver: 'memory', db: new Map(), " +
          `duration: ${r.int(10, 60)}000, max: ${r.int(50, 500)} }));`,
      );
    lines.push('');
    for (let i = 0; i < nRoutes; i++)
      lines.push(
        `router.${r.pick(verbs)}('/:id${i ? `/${r.pick(ADJ)}` : ''}', ` +
          'requireAuth, async (ctx) => {',
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
      `  fastify.decorate('authenticate', async (request${T ? ': any' : ''}, ` +
        `reply${T ? ': any' : ''}) => {`,
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
        `  fastify.${r.pick(verbs)}('/${plural(noun)}/:id${i ? `/${r.pick(ADJ)}` : ''}', ` +
          '{ preHandler: [fastify.authenticate] }, ' +
          `async (request${T ? ': any' : ''}, reply${T ? ': any' : ''}) => {`,
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
        `app.${r.pick(verbs)}('/api/${plural(noun)}/:id${i ? `/${r.pick(ADJ)}` : ''}', ` +
          'async (c) => {',
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

export function nestControllerFile(r: Rand, pkg: Pkg, rel: string, noun: string): string {
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
      `  async ${get ? 'get' : 'update'}${cap(noun)}${i}(@Param('id') id: string` +
        `${get ? '' : ', @Body() body: Record<string, unknown>'}) {`,
      `    this.logger.debug(\`${get ? 'get' : 'update'} ${noun} \${id}\`);`,
      `    return this.service.load${cap(noun)}(id${get ? '' : ', true'});`,
      '  }',
      '',
    );
  }
  lines.push('}', '');
  return pad({ r, lang: 'ts', noun, logger: null }, lines, r.int(50, 140)).join('\n');
}

export function nestServiceFile(r: Rand, noun: string): string {
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

export function nestGuardFile(r: Rand): string {
  const cs = r.weighted(CATCH_WEIGHTS);
  const asyncVerify = r.chance(0.6);
  const lines = [
    'import { CanActivate, ExecutionContext, Injectable, Logger, UnauthorizedException } ' +
      "from '@nestjs/common';",
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
    `      request.user = ${
      asyncVerify ? 'await this.jwtService.verifyAsync(token)' : 'this.jwtService.verify(token)'
    };`,
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

export function nextRouteFile(r: Rand, pkg: Pkg, rel: string, noun: string): string {
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
      `  return NextResponse.json({ ${noun}: ` +
        "{ id: request.nextUrl.searchParams.get('id') }, claims });",
      '}',
      '',
    );
  }
  return pad({ r, lang: 'ts', noun, logger: 'logger' }, lines, r.int(50, 160)).join('\n');
}

/* ------------------------------------------------------------------ package planning */
