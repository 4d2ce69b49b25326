/**
 * The call-based web frameworks as tables: their modules (Express, Fastify, Koa, Hono, Feathers),
 * route methods and hooks, which keep registration order, and the app classes a parameter may be
 * typed with. Adding a framework's module is adding a row.
 */
import { ts } from '../file/ast.js';
import { modulePath, type Resolver, type Value } from '../file/values.js';
import type { Framework } from '../file/routes/types.js';

export const HTTP_METHODS = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  'all',
  'options',
  'head',
]);

export const FASTIFY_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler']);

export const ORDERED: Record<Framework, boolean> = {
  express: true,
  koa: true,
  hono: true,
  fastify: false,
  nestjs: false,
  nextjs: false,
  sveltekit: false,
  nuxt: false,
  medusa: false,
  'route-table': false,
  graphql: false,
  'socket.io': true,
};

/**
 * The frameworks' modules, in the order a file importing several is judged by: a name ending in
 * `/` is a scope or folder prefix (`@fastify/cookie`, `hono/jwt`), any other also covers its
 * subpaths (`express/lib/router`).
 */
export const FRAMEWORK_MODULES: ReadonlyArray<readonly [Framework, readonly string[]]> = [
  ['fastify', ['fastify', 'fastify-plugin', '@fastify/']],
  ['hono', ['hono', '@hono/']],
  ['koa', ['koa', '@koa/router', 'koa-router', '@feathersjs/koa']],
  ['express', ['express', '@feathersjs/express']],
];

export function frameworkOfModule(source: string): Framework | undefined {
  for (const [framework, modules] of FRAMEWORK_MODULES) {
    if (
      modules.some((m) =>
        m.endsWith('/') ? source.startsWith(m) : source === m || source.startsWith(`${m}/`),
      )
    )
      return framework;
  }
  return undefined;
}

/**
 * `@fastify/` -> `@fastify\/[\w-]+`, `koa` -> `koa(\/[\w-]+)?`: the same coverage as
 * frameworkOfModule.
 */
export function modulePattern(m: string): string {
  const literal = m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return m.endsWith('/') ? `${literal}[\\w-]+` : `${literal}(\\/[\\w-]+)?`;
}

/** A quoted framework module anywhere in the text (an import, a `require`, an `import()`). */
export const FRAMEWORK_MODULE_TEXT = new RegExp(
  `['"](${FRAMEWORK_MODULES.flatMap(([, modules]) => modules.map(modulePattern)).join('|')})['"]`,
);

/** Framework a file's imports point at, for apps known only as parameters. */
export function frameworkHint(sf: ts.SourceFile): Framework | undefined {
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const framework = frameworkOfModule(st.moduleSpecifier.text);
    if (framework) return framework;
  }
  const required = new Set<Framework>();
  for (const m of sf.text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const framework = frameworkOfModule(m[1]);
    if (framework) required.add(framework);
  }
  return FRAMEWORK_MODULES.find(([framework]) => required.has(framework))?.[0];
}

/**
 * Cheap test before the walk: can this file register routes at all? A call may carry type
 * arguments (`app.post<{ Body: Login }>(...)`, Fastify's usual TypeScript style).
 */
export function mayRegisterRoutes(text: string): boolean {
  if (/\.(get|post|put|patch|delete|options|head|all|use|route|register|on)\s*[(<]/.test(text))
    return true;
  // a file that only hands an app to other code: `loadRoutes(instance)` inside `fp(...)`
  return FRAMEWORK_MODULE_TEXT.test(text);
}

/**
 * `Hono` from `hono` or one of its presets (`hono/tiny`, `hono/quick`: the same class with another
 * router), and `OpenAPIHono` from `@hono/zod-openapi`, a subclass most OpenAPI-first apps use.
 */
export function isHonoConstructor(source: string, exportPath: string): boolean {
  if (source === 'hono' || source === 'hono/tiny' || source === 'hono/quick')
    return exportPath === 'Hono';
  return source === '@hono/zod-openapi' && exportPath === 'OpenAPIHono';
}

/**
 * A Fastify instance handed to a package function (`routes(app)` from a file-system router such as
 * `virtual:fastify-routes`, fastify-now, a generated route table): like @fastify/autoload, it loads
 * plugin files nobody registers by hand, so they are its children rather than apps of their own.
 * Node's own modules (`http.createServer(app)`) load nothing.
 */
export function isExternalLoader(value: Value, resolver: Resolver): boolean {
  const m = modulePath(value);
  if (!m || resolver.specifiers.has(m.source)) return false;
  return (
    !m.source.startsWith('node:') &&
    !NODE_BUILTINS.has(m.source) &&
    m.source !== 'fastify' &&
    m.source !== 'fastify-plugin'
  );
}

export const NODE_BUILTINS = new Set([
  'http',
  'https',
  'http2',
  'net',
  'cluster',
  'events',
  'util',
  'process',
]);

/**
 * The app classes a parameter may be typed with: `Koa`, `Router` (koa), `Hono` (and its presets),
 * `Express`, `Router` (express).
 */
export function isFrameworkAppType(of: Value): boolean {
  const m = modulePath(of);
  if (!m) return false;
  const p = m.path.join('.');
  if (m.source === 'koa') return p === '' || p === 'default' || p === 'Koa';
  if (m.source === '@koa/router' || m.source === 'koa-router')
    return p === '' || p === 'default' || p === 'Router';
  if (isHonoConstructor(m.source, p)) return true;
  if (m.source === 'express')
    return p === 'Express' || p === 'Router' || p === 'Application' || p === 'IRouter';
  if (m.source === 'fastify') return p === 'FastifyInstance';
  return false;
}
