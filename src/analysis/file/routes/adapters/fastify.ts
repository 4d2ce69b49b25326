/**
 * Fastify: shorthand methods, `route({...})`, hooks, `register(plugin, { prefix })` with
 * encapsulation and fastify-plugin, `@fastify/rate-limit` registered on an instance or
 * autoloaded, and route `config.rateLimit`.
 */
import { ts, unwrap, staticString, SK } from '../../ast.js';
import { modulePath } from '../../values.js';
import type { FileContext } from '../../context.js';
import { targetOfCallee } from '../../call-targets.js';
import type { ChainItem, FileApp, RouteFileFacts } from '../types.js';
import type { RouteRecorder } from '../recorder.js';
import { HTTP_METHODS, FASTIFY_HOOKS } from '../../../libraries/frameworks.js';
import { property, methodList, isPathLike, isConditional } from '../syntax.js';

/** Fastify: shorthand methods, `route({...})`, `register(plugin, { prefix })`, `addHook`. */
export function fastify(
  rec: RouteRecorder,
  call: ts.CallExpression,
  name: string,
  app: FileApp,
): void {
  const args = call.arguments;
  if (name === 'register') return fastifyRegister(rec, call, app);
  if (name === 'addHook') {
    const hook = staticString(args[0]);
    if (!hook || !FASTIFY_HOOKS.has(hook) || !args[1]) return;
    app.uses.push({
      items: rec.items(args[1], 'fastify'),
      span: rec.ctx.span(call),
      seq: rec.seq++,
      conditional: isConditional(call),
    });
    return;
  }
  if (name === 'route') {
    const opts = args[0] && unwrap(args[0]);
    if (!opts || !ts.isObjectLiteralExpression(opts)) return;
    const methods = methodList(property(opts, 'method'));
    const url = property(opts, 'url') ?? property(opts, 'path');
    const route = fastifyRoute(rec, call, opts, url, undefined, app);
    if (!route) return;
    for (const method of methods) app.routes.push({ ...route, method, seq: rec.seq++ });
    return;
  }
  if (!HTTP_METHODS.has(name) || !args[0] || !isPathLike(args[0])) return;
  const optsArg =
    args.length >= 3 || (args[1] && ts.isObjectLiteralExpression(unwrap(args[1])))
      ? unwrap(args[1])
      : undefined;
  const opts = optsArg && ts.isObjectLiteralExpression(optsArg) ? optsArg : undefined;
  const handler = args.length >= 3 ? args[2] : opts ? undefined : args[1];
  const route = fastifyRoute(rec, call, opts, args[0], handler, app);
  if (route)
    app.routes.push({
      ...route,
      method: name === 'del' ? 'DELETE' : name.toUpperCase(),
      seq: rec.seq++,
    });
}

export function fastifyRoute(
  rec: RouteRecorder,
  call: ts.CallExpression,
  opts: ts.ObjectLiteralExpression | undefined,
  url: ts.Expression | undefined,
  handler: ts.Expression | undefined,
  _app: FileApp,
) {
  const items: ChainItem[] = [];
  let limiter: string | undefined;
  let optOut = false;
  if (opts) {
    for (const hook of FASTIFY_HOOKS) {
      const v = property(opts, hook);
      if (v) items.push(...rec.items(v, 'fastify'));
    }
    const config = property(opts, 'config');
    const rateLimit =
      config && ts.isObjectLiteralExpression(unwrap(config))
        ? property(unwrap(config) as ts.ObjectLiteralExpression, 'rateLimit')
        : undefined;
    if (rateLimit) {
      if (unwrap(rateLimit).kind === SK.FalseKeyword) optOut = true;
      else limiter = 'config.rateLimit';
    }
    handler ??= property(opts, 'handler');
  }
  if (!handler) return undefined;
  items.push(...rec.items(handler, 'fastify'));
  return {
    path: url ? staticString(url) : undefined,
    span: rec.registrationSpan(
      call,
      url && url.pos >= call.pos && url.end <= call.end ? url : undefined,
    ),
    items,
    limiter,
    optOut,
  };
}

export function fastifyRegister(rec: RouteRecorder, call: ts.CallExpression, app: FileApp): void {
  const [pluginArg, optsArg] = call.arguments;
  if (!pluginArg) return;
  const opts =
    optsArg && ts.isObjectLiteralExpression(unwrap(optsArg))
      ? (unwrap(optsArg) as ts.ObjectLiteralExpression)
      : undefined;
  const prefix = opts ? staticString(property(opts, 'prefix')) : undefined;
  let plugin = unwrap(pluginArg);
  if (ts.isAwaitExpression(plugin)) plugin = unwrap(plugin.expression);
  const value = rec.ctx.resolver.evaluate(plugin);
  const m = modulePath(value.kind === 'call' ? value.callee : value);
  if (m && (m.source === '@fastify/rate-limit' || m.source === 'fastify-rate-limit')) {
    const global = opts ? property(opts, 'global') : undefined;
    if (!(global && unwrap(global).kind === SK.FalseKeyword))
      app.limiter = {
        name: m.source,
        span: rec.ctx.span(call),
        conditional: isConditional(call),
        // its onRoute hook sees only the routes declared (and plugins registered) after it
        seq: rec.seq++,
      };
    return;
  }
  if (m && m.source === '@fastify/autoload') {
    rec.facts.autoload = rec.facts.apps.indexOf(app);
    return;
  }
  // fastify-plugin: fp(plugin) shares the plugin's registrations with the parent
  let fnExpr: ts.Expression = plugin;
  let unencapsulated = false;
  if (ts.isCallExpression(plugin)) {
    const fm = modulePath(rec.ctx.resolver.evaluate(plugin.expression));
    if (fm && fm.source === 'fastify-plugin' && plugin.arguments[0]) {
      fnExpr = unwrap(plugin.arguments[0]);
      unencapsulated = true;
    }
  }
  // register(import('./routes/auth.js'))
  if (
    ts.isCallExpression(fnExpr) &&
    fnExpr.expression.kind === SK.ImportKeyword &&
    fnExpr.arguments[0] &&
    ts.isStringLiteralLike(fnExpr.arguments[0])
  ) {
    const source = fnExpr.arguments[0].text;
    if (rec.ctx.resolver.specifiers.has(source))
      rec.addPass(app, {
        target: { kind: 'module', source, path: ['default'] },
        index: 0,
        prefix,
        span: rec.ctx.span(call),
        seq: rec.seq++,
      });
    return;
  }
  const target = targetOfCallee(fnExpr, rec.ctx.resolver, rec.ctx.fnId);
  if (!target) return;
  if (target.kind === 'local' && unencapsulated) {
    const child = rec.byKey.get(`param:${target.fn}:0`);
    if (child !== undefined) rec.facts.apps[child].unencapsulated = true;
  }
  rec.addPass(app, { target, index: 0, prefix, span: rec.ctx.span(call), seq: rec.seq++ });
}

/**
 * A plugin file for @fastify/autoload that only re-exports `@fastify/rate-limit`
 * (`export default fastifyRateLimit`): autoload registers it on the root instance, skipping
 * encapsulation as the package asks, so it limits every route.
 */
export function autoloadedRateLimit(
  sf: ts.SourceFile,
  ctx: FileContext,
): RouteFileFacts['projectLimiters'][number] | undefined {
  for (const st of sf.statements) {
    if (!ts.isExportAssignment(st) || st.isExportEquals) continue;
    const m = modulePath(ctx.resolver.evaluate(st.expression));
    if (
      m &&
      (m.source === '@fastify/rate-limit' || m.source === 'fastify-rate-limit') &&
      m.path.length === 0
    )
      return {
        framework: 'fastify',
        name: `${m.source} (autoloaded plugin)`,
        span: ctx.span(st),
        viaAutoload: true,
      };
  }
  return undefined;
}
