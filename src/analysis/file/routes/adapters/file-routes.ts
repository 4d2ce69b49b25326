/**
 * Endpoints declared by where a file is or by a table, not by `app.post(path, handler)`:
 *
 *   src/routes/auth/login/+server.ts        SvelteKit: exported `POST`   -> POST /auth/login
 *   server/api/auth/login.post.ts           Nuxt / h3: default `defineEventHandler(fn)`
 *   src/api/store/auth/route.ts             Medusa: exported `POST` (no `app/` directory)
 *   { path: '/login', method: 'post', handler: login }   route tables (Payload endpoints, Strapi)
 *
 * Each file is one app whose prefix is the path its location gives; a route table is one app per
 * file with a route per entry.
 */
import { ts, unwrap, walk, staticString } from '../../ast.js';
import type { FileContext } from '../../context.js';
import { targetOfCallee } from '../../call-targets.js';
import { propName } from '../../values.js';
import { exportedHandlerApp, urlPath } from './next.js';
import type { FileApp, RouteDecl } from '../types.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const NUXT_METHOD = /\.(get|post|put|patch|delete|head|options)$/i;

export function extractFileRouteApps(file: string, sf: ts.SourceFile, ctx: FileContext): FileApp[] {
  const apps: FileApp[] = [];
  // SvelteKit's `+server`, Nuxt's `server/` and Medusa's `route` files: a path without `server` or
  // `route` is none of them, and skips splitting it (every file comes here)
  if (file.includes('server') || file.includes('route')) apps.push(...fileBasedApps(file, sf, ctx));
  // the words as plain substrings first, the rarest first (a scan stops at each occurrence of a
  // word's first character): few files have all three
  const text = sf.text;
  if (
    text.includes('method') &&
    text.includes('handler') &&
    text.includes('path') &&
    /\bhandler\b/.test(text) &&
    /\bpath\b/.test(text) &&
    /\bmethod\b/.test(text)
  ) {
    const table = routeTable(sf, ctx);
    if (table) apps.push(table);
  }
  return apps;
}

/** The file's app by where it is: SvelteKit, Nuxt / h3, Medusa. */
function fileBasedApps(file: string, sf: ts.SourceFile, ctx: FileContext): FileApp[] {
  const segments = file.replace(/\\/g, '/').split('/');
  const base = segments[segments.length - 1];
  const stem = base.replace(/\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/, '');
  const apps: FileApp[] = [];
  const routesDir = segments.lastIndexOf('routes', segments.length - 2);
  if (/^\+server$/.test(stem) && routesDir >= 0) {
    const app = exportedHandlerApp(
      sf,
      ctx,
      'sveltekit',
      urlPath(segments.slice(routesDir + 1, -1)),
      METHODS,
    );
    if (app) apps.push(app);
  }
  const serverDir = segments.lastIndexOf('server', segments.length - 2);
  const sub = segments[serverDir + 1];
  if (
    serverDir >= 0 &&
    (sub === 'api' || sub === 'routes') &&
    stem !== base &&
    /\b(defineEventHandler|eventHandler|defineCachedEventHandler)\s*\(/.test(sf.text)
  ) {
    const method = NUXT_METHOD.exec(stem);
    const name = stem.replace(NUXT_METHOD, '');
    const rest = segments.slice(serverDir + (sub === 'api' ? 1 : 2), -1);
    if (name !== 'index') rest.push(name);
    const app = exportedHandlerApp(
      sf,
      ctx,
      'nuxt',
      urlPath(rest),
      ['default'],
      method?.[1].toUpperCase(),
    );
    if (app) apps.push(app);
  }
  const apiDir = segments.lastIndexOf('api', segments.length - 2);
  if (
    stem === 'route' &&
    apiDir >= 0 &&
    !segments.includes('app') &&
    sf.text.includes('@medusajs/')
  ) {
    const app = exportedHandlerApp(
      sf,
      ctx,
      'medusa',
      urlPath(segments.slice(apiDir + 1, -1)),
      METHODS,
    );
    if (app) apps.push(app);
  }
  return apps;
}

/** `{ path: '/login', method: 'post', handler: login }` objects anywhere in the file. */
function routeTable(sf: ts.SourceFile, ctx: FileContext): FileApp | undefined {
  const routes: RouteDecl[] = [];
  walk(sf, (n) => {
    if (!ts.isObjectLiteralExpression(n)) return true;
    let path: string | undefined;
    let method: string | undefined;
    let handler: ts.Expression | undefined;
    for (const p of n.properties) {
      const key = p.name ? propName(p.name as ts.PropertyName) : undefined;
      const value = ts.isPropertyAssignment(p)
        ? p.initializer
        : ts.isShorthandPropertyAssignment(p)
          ? p.name
          : undefined;
      if (!key || !value) continue;
      if (key === 'path') path = staticString(value);
      else if (key === 'method') method = staticString(value)?.toUpperCase();
      else if (key === 'handler') handler = value;
    }
    if (!path?.startsWith('/') || !method || !METHODS.includes(method) || !handler) return true;
    const h = unwrap(handler);
    const label = ts.isStringLiteralLike(h) ? h.text : h.getText(sf).slice(0, 60);
    const target = ts.isStringLiteralLike(h)
      ? undefined
      : targetOfCallee(handler, ctx.resolver, ctx.fnId);
    // a handler that is neither a visible function nor a named controller action: not a route
    if (!target && !ts.isStringLiteralLike(h)) return true;
    routes.push({
      method,
      path,
      span: ctx.span(n),
      items: [{ label, span: ctx.span(handler), ...(target ? { target } : {}) }],
      seq: routes.length,
    });
    return true;
  });
  if (routes.length === 0) return undefined;
  return {
    framework: 'route-table',
    span: ctx.span(sf.statements[0] ?? sf),
    ordered: false,
    routes,
    uses: [],
    passes: [],
  };
}
