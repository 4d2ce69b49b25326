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
import { ts, enclosingFunction, unwrap } from '../ast.js';
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
  if (sf.text.includes('passport-local') || sf.text.includes('@feathersjs/authentication'))
    facts.loginStrategies = loginStrategies(sf, ctx);
  if (sf.text.includes('rate-limit')) {
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

/** Functions returning one of the file's apps: `function makeRouter() { ...; return router; }`. */
function returnedApps(
  sf: ts.SourceFile,
  ctx: FileContext,
  routes: RouteRecorder,
  facts: RouteFileFacts,
): void {
  const visit = (node: ts.Node): void => {
    if (
      ts.isReturnStatement(node) &&
      node.expression &&
      (ts.isIdentifier(unwrap(node.expression)) || ts.isCallExpression(unwrap(node.expression)))
    ) {
      const fn = enclosingFunction(node);
      const app = fn ? routes.resolveApp(node.expression) : undefined;
      if (fn && app) (facts.returnedApps ??= {})[ctx.fnId(fn)] ??= app.app;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
