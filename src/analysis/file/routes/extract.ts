/**
 * Per-file route facts for the call-based frameworks — Express 4/5, Fastify, Koa with
 * `@koa/router` / `koa-router`, Hono — plus the NestJS and Next.js adapters (nest.ts, next.ts).
 *
 * An *app* is whatever routes are registered on: `express()`, `express.Router()`, `fastify()`,
 * a Fastify plugin's instance parameter, `new Koa()`, `new Router({ prefix })`, `new Hono()`, or
 * the parameter of a project function that registers routes on what it is given
 * (`module.exports = (app) => { app.post(...) }`). Apps are recognised by what they were created
 * from (by import), never by the spelling of the variable.
 */
import { ts, enclosingFunction, unwrap, mayEscapeNames, SK } from '../ast.js';
import type { FileContext } from '../context.js';
import { extractNestApps } from './adapters/nest.js';
import { RouteRecorder } from './recorder.js';
import { autoloadedRateLimit, fastify } from './adapters/fastify.js';
import { middlewareStyle } from './adapters/express.js';
import { honoBasePath } from './adapters/hono.js';
import { loginStrategies } from './login-strategies.js';
import { mayRegisterRoutes } from '../../libraries/frameworks.js';
import { extractNextApps } from './adapters/next.js';
import { extractFileRouteApps } from './adapters/file-routes.js';
import { extractEventApps } from './adapters/events.js';
import type { RouteFileFacts } from './types.js';

export type { RouteFileFacts } from './types.js';

/**
 * The file's apps and routes. `appOfNode` maps creation nodes (`express.Router()`, `new Hono()`)
 * to app ids, so exports of apps can be recorded; it holds AST nodes and is not kept.
 */
export function extractRouteFacts(
  sf: ts.SourceFile,
  ctx: FileContext,
  calls: readonly ts.CallExpression[],
): { facts: RouteFileFacts; appOfNode: ReadonlyMap<unknown, number> } {
  const facts: RouteFileFacts = {
    apps: [],
    projectLimiters: [],
    appExports: {},
    loginStrategies: [],
  };
  // Each substring behind a shorter one starting with a rarer character: a scan stops at every
  // occurrence of the first character, and `p`, `r` are everywhere, `-`, `@` are not.
  const text = sf.text;
  if (
    (text.includes('-local') && text.includes('passport-local')) ||
    (text.includes('@feathersjs/') && text.includes('@feathersjs/authentication'))
  )
    facts.loginStrategies = loginStrategies(sf, ctx);
  if (text.includes('-limit') && text.includes('rate-limit')) {
    const plugin = autoloadedRateLimit(sf, ctx);
    if (plugin) facts.projectLimiters.push(plugin);
  }
  const nest = extractNestApps(sf, ctx);
  const next = extractNextApps(ctx.file, sf, ctx);
  facts.apps.push(...nest.apps, ...next.apps, ...extractFileRouteApps(ctx.file, sf, ctx));
  facts.apps.push(...extractEventApps(sf, ctx));
  facts.projectLimiters.push(...nest.projectLimiters, ...next.projectLimiters);
  if (nest.bypassingGuards.length > 0) facts.bypassingGuards = nest.bypassingGuards;
  if (nest.tokenGuards.length > 0) facts.tokenGuards = nest.tokenGuards;
  Object.assign(facts, nest.extra);
  if (!mayRegisterRoutes(sf.text)) return { facts, appOfNode: new Map() };
  const routes = new RouteRecorder(sf, ctx, facts, { middlewareStyle, fastify, honoBasePath });
  routes.run(calls);
  if (facts.apps.length > 0) returnedApps(sf, ctx, routes, facts);
  return { facts, appOfNode: routes.appOfNode };
}

// read once: ts-morph re-exports TypeScript through getters (see SK)
const forEachChild = ts.forEachChild;

/** Functions returning one of the file's apps: `function makeRouter() { ...; return router; }`. */
function returnedApps(
  sf: ts.SourceFile,
  ctx: FileContext,
  routes: RouteRecorder,
  facts: RouteFileFacts,
): void {
  // A `return` statement, and every node around it, spans a spelling of `return` in the text: a
  // subtree spanning none holds none and is not walked (most of a file). Only an escape can spell
  // the keyword otherwise (mayEscapeNames): such a file is walked whole. The returns visited, and
  // their order (resolving one can add an app), are the same as a walk of everything.
  const text = sf.text;
  const escapes = mayEscapeNames(text);
  const at: number[] = [];
  for (let i = text.indexOf('return'); i >= 0; i = text.indexOf('return', i + 6)) at.push(i);
  /** Does [pos, end) hold a spelling of `return`? */
  const spansReturn = (node: ts.Node): boolean => {
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid] < node.pos) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo] < node.end;
  };
  const visit = (node: ts.Node): void => {
    if (!escapes && !spansReturn(node)) return;
    if (node.kind === SK.ReturnStatement) {
      const ret = node as ts.ReturnStatement;
      if (
        ret.expression &&
        (ts.isIdentifier(unwrap(ret.expression)) || ts.isCallExpression(unwrap(ret.expression)))
      ) {
        const fn = enclosingFunction(ret);
        const app = fn ? routes.resolveApp(ret.expression) : undefined;
        if (fn && app) (facts.returnedApps ??= {})[ctx.fnId(fn)] ??= app.app;
      }
    }
    forEachChild(node, visit);
  };
  visit(sf);
}
