/**
 * Next.js: app-router `app/.../route.ts` exported method handlers and `pages/api/...` default
 * handlers as routes whose path is the file's location; `middleware.ts` limiters (with their
 * `config.matcher`) as project-wide limiters.
 */
import {
  ts,
  unwrap,
  staticString,
  walk,
  isFunctionLike,
  type FunctionNode,
  SK,
} from '../../ast.js';
import type { FileContext } from '../../context.js';
import { isLimiterCall } from '../../../libraries/limiters.js';
import type { FileApp, Framework, ProjectLimiter, RouteDecl } from '../types.js';

const APP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;

export function extractNextApps(
  file: string,
  sf: ts.SourceFile,
  ctx: FileContext,
): { apps: FileApp[]; projectLimiters: ProjectLimiter[] } {
  // route.ts, pages/api/... and middleware.ts: a path spelling none of these skips splitting it
  // (every file comes here)
  if (!file.includes('route.') && !file.includes('pages') && !file.includes('middleware.'))
    return { apps: [], projectLimiters: [] };
  const segments = file.replace(/\\/g, '/').split('/');
  const base = segments[segments.length - 1];
  const apps: FileApp[] = [];
  const projectLimiters: ProjectLimiter[] = [];

  const appDir = segments.lastIndexOf('app', segments.length - 2);
  if (/^route\.(ts|tsx|js|jsx|mjs)$/.test(base) && appDir >= 0) {
    const app = exportedHandlerApp(sf, ctx, 'nextjs', urlPath(segments.slice(appDir + 1, -1)), [
      ...APP_METHODS,
    ]);
    if (app) apps.push(app);
  }
  const pagesDir = segments.lastIndexOf('pages', segments.length - 2);
  if (
    pagesDir >= 0 &&
    segments[pagesDir + 1] === 'api' &&
    SOURCE.test(base) &&
    !base.startsWith('_')
  ) {
    const name = base.replace(SOURCE, '');
    const rest = segments.slice(pagesDir + 1, -1);
    if (name !== 'index') rest.push(name);
    const app = exportedHandlerApp(sf, ctx, 'nextjs', urlPath(rest), ['default', ...APP_METHODS]);
    if (app) apps.push(app);
  }
  if (
    /^middleware\.(ts|js|mjs)$/.test(base) &&
    /from\s+['"]next\/server['"]|require\(\s*['"]next\/server['"]\s*\)/.test(sf.text)
  ) {
    const limiter = middlewareLimiter();
    if (limiter) projectLimiters.push(limiter);
  }
  return { apps, projectLimiters };

  /** `middleware.ts` calling a limiter (directly or through a function of the same file). */
  function middlewareLimiter(): ProjectLimiter | undefined {
    const exported = exportedFunctions(sf, ctx);
    const entry = exported.get('middleware') ?? exported.get('default');
    if (!entry) return undefined;
    let limiterCall: ts.CallExpression | undefined;
    const seen = new Set<ts.Node>();
    const search = (fn: FunctionNode, depth: number): void => {
      if (limiterCall || seen.has(fn) || depth > 2) return;
      seen.add(fn);
      walk(fn, (n) => {
        if (limiterCall) return false;
        if (!ts.isCallExpression(n)) return true;
        if (isLimiterCall(n, ctx.resolver, ctx.limiters)) limiterCall = n;
        else {
          const v = ctx.resolver.evaluate(unwrap(n.expression));
          if (v.kind === 'function') search(v.node, depth + 1);
        }
        return true;
      });
    };
    search(entry.fn, 0);
    if (!limiterCall) return undefined;
    return {
      framework: 'nextjs',
      name: unwrap(limiterCall.expression).getText(sf),
      span: ctx.span(limiterCall),
      matcher: matcher(),
    };
  }

  /** `export const config = { matcher: ['/api/:path*'] }`. */
  function matcher(): string[] | undefined {
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || d.name.text !== 'config' || !d.initializer) continue;
        const obj = unwrap(d.initializer);
        if (!ts.isObjectLiteralExpression(obj)) continue;
        for (const p of obj.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name) || p.name.text !== 'matcher')
            continue;
          const v = unwrap(p.initializer);
          if (ts.isArrayLiteralExpression(v))
            return v.elements
              .map(
                (el) =>
                  staticString(el) ?? (ts.isObjectLiteralExpression(el) ? sourceOf(el) : undefined),
              )
              .filter((s): s is string => !!s);
          const single = staticString(v);
          return single ? [single] : undefined;
        }
      }
    }
    return undefined;
  }
}

/** Exported names -> the function that handles them and the node that names them. */
export function exportedFunctions(
  sf: ts.SourceFile,
  ctx: FileContext,
): Map<string, { fn: FunctionNode; at: ts.Node }> {
  const out = new Map<string, { fn: FunctionNode; at: ts.Node }>();
  const hasModifier = (n: ts.Node, kind: ts.SyntaxKind) =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && hasModifier(st, SK.ExportKeyword) && st.body) {
      if (hasModifier(st, SK.DefaultKeyword)) out.set('default', { fn: st, at: st.name ?? st });
      else if (st.name) out.set(st.name.text, { fn: st, at: st.name });
    } else if (ts.isVariableStatement(st) && hasModifier(st, SK.ExportKeyword)) {
      for (const d of st.declarationList.declarations) {
        const fn = d.initializer && functionOf(d.initializer, ctx);
        if (fn && ts.isIdentifier(d.name)) out.set(d.name.text, { fn, at: d.name });
      }
    } else if (ts.isExportAssignment(st)) {
      // export default apiHandler({ post: login, get: me }): one handler per method
      const table = methodTable(st.expression, ctx);
      for (const [method, fn] of table) out.set(method, { fn, at: st.expression });
      const fn = table.size === 0 ? functionOf(st.expression, ctx) : undefined;
      if (fn) out.set('default', { fn, at: st.expression });
    } else if (
      ts.isExportDeclaration(st) &&
      !st.moduleSpecifier &&
      st.exportClause &&
      ts.isNamedExports(st.exportClause)
    ) {
      // export { handler as GET, handler as POST }
      for (const el of st.exportClause.elements) {
        const fn = functionOf(
          el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName : el.name,
          ctx,
        );
        if (fn) out.set(el.name.text, { fn, at: el.name });
      }
    }
  }
  return out;
}

/**
 * A function an expression denotes: inline, a local binding, or the function a wrapper is given
 * (`withAuth(handler)`).
 */
export function functionOf(
  expr: ts.Expression,
  ctx: FileContext,
  depth = 0,
): FunctionNode | undefined {
  if (depth > 4) return undefined;
  const e = unwrap(expr);
  if (isFunctionLike(e)) return e;
  const value = ctx.resolver.evaluate(e);
  if (value.kind === 'function') return value.node;
  if (ts.isCallExpression(e)) {
    for (const a of e.arguments) {
      const fn = functionOf(a, ctx, depth + 1);
      if (fn) return fn;
    }
  }
  return undefined;
}

/** `wrapper({ post: login, get: me })`: method (upper case) -> handler. */
function methodTable(expr: ts.Expression, ctx: FileContext): Map<string, FunctionNode> {
  const out = new Map<string, FunctionNode>();
  const e = unwrap(expr);
  if (!ts.isCallExpression(e)) return out;
  for (const a of e.arguments) {
    const obj = unwrap(a);
    if (!ts.isObjectLiteralExpression(obj)) continue;
    for (const p of obj.properties) {
      const key = p.name && ts.isIdentifier(p.name) ? p.name.text.toUpperCase() : undefined;
      if (!key || !APP_METHODS.has(key)) continue;
      const fn = ts.isMethodDeclaration(p)
        ? p
        : ts.isPropertyAssignment(p)
          ? functionOf(p.initializer, ctx)
          : ts.isShorthandPropertyAssignment(p)
            ? functionOf(p.name, ctx)
            : undefined;
      if (fn) out.set(key, fn);
    }
  }
  return out;
}

function sourceOf(obj: ts.ObjectLiteralExpression): string | undefined {
  for (const p of obj.properties)
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'source')
      return staticString(p.initializer);
  return undefined;
}

/**
 * Route segments to a URL path: `(group)` and `@slot` vanish, `[id]` -> `:id`, `[...slug]` -> `*`.
 */
export function urlPath(segments: readonly string[]): string {
  const parts: string[] = [];
  for (const s of segments) {
    if (/^\(.*\)$/.test(s) || s.startsWith('@') || s === '') continue;
    if (/^\[\[?\.\.\./.test(s)) parts.push('*');
    else if (/^\[.*\]$/.test(s)) parts.push(`:${s.slice(1, -1)}`);
    else parts.push(s);
  }
  return `/${parts.join('/')}`;
}

/**
 * One app for a file-based route: a route per exported handler (`POST`, or the default export of
 * a pages/api or Nuxt file, answering `defaultMethod`).
 */
export function exportedHandlerApp(
  sf: ts.SourceFile,
  ctx: FileContext,
  framework: Framework,
  prefix: string,
  names: readonly string[],
  defaultMethod = 'ALL',
): FileApp | undefined {
  const exported = exportedFunctions(sf, ctx);
  const routes: RouteDecl[] = [];
  for (const name of names) {
    const found = exported.get(name);
    if (!found) continue;
    routes.push({
      method: name === 'default' ? defaultMethod : name,
      path: '',
      span: ctx.span(found.at),
      items: [
        {
          label: name === 'default' ? 'default export' : name,
          span: ctx.span(found.at),
          target: { kind: 'local', fn: ctx.fnId(found.fn) },
        },
      ],
      seq: routes.length,
    });
  }
  if (routes.length === 0) return undefined;
  return {
    framework,
    span: ctx.span(sf.statements[0] ?? sf),
    ordered: false,
    prefix,
    routes,
    uses: [],
    passes: [],
  };
}
