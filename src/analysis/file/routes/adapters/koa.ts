/** Koa: koa-router's `register`, koa-mount's `mount('/api', api)`. */
import { ts, unwrap } from '../../ast.js';
import { modulePath } from '../../values.js';
import type { FileApp } from '../types.js';
import type { RouteRecorder } from '../recorder.js';
import { methodList, isPathLike, pathValues } from '../syntax.js';

/** koa-router's low-level `router.register('/login', ['POST'], [limiter, handler], opts)`. */
export function koaRegister(rec: RouteRecorder, call: ts.CallExpression, app: FileApp): void {
  const [pathNode, methodsArg, middleware] = call.arguments;
  if (!pathNode || !isPathLike(pathNode) || !methodsArg || !middleware) return;
  const items = rec.items(middleware, 'koa');
  if (items.length === 0) return;
  for (const path of pathValues(pathNode)) {
    for (const method of methodList(methodsArg))
      app.routes.push({
        method,
        path,
        span: rec.registrationSpan(call, pathNode),
        items,
        seq: rec.seq++,
      });
  }
}

/**
 * `mount('/api', api)` / `mount(api)` with koa-mount: its arguments, read like a `use` call's.
 */
export function koaMount(
  rec: RouteRecorder,
  arg: ts.Expression,
): { args: ts.Expression[] } | undefined {
  const e = unwrap(arg);
  if (!ts.isCallExpression(e) || e.arguments.length === 0 || e.arguments.length > 2)
    return undefined;
  const m = modulePath(rec.ctx.resolver.evaluate(e.expression));
  return m && m.source === 'koa-mount' && m.path.length === 0
    ? { args: [...e.arguments] }
    : undefined;
}
