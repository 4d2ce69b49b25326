/**
 * Express (and the middleware style Koa and Hono share with it): `x.METHOD(path, ...handlers)`,
 * `x.use([path], ...middleware)`, with the Koa and Hono particulars delegated to their adapters.
 */
import { type ts, staticString } from '../../ast.js';
import type { FileApp } from '../types.js';
import type { RouteRecorder } from '../recorder.js';
import { loopVariants, isPathLike, pathValues, pathArg, isConditional } from '../syntax.js';
import { koaMount, koaRegister } from './koa.js';
import { underTestCondition } from '../secret-work.js';

/** Express, Koa and Hono: `x.METHOD(path, ...handlers)`, `x.use([path], ...middleware)`. */
export function middlewareStyle(
  rec: RouteRecorder,
  call: ts.CallExpression,
  name: string,
  app: FileApp,
  routePath: string | undefined,
): void {
  const args = call.arguments;
  if (name === 'prefix' && app.framework === 'koa') {
    app.prefix = staticString(args[0]) ?? app.prefix;
    return;
  }
  if (name === 'use') {
    // routes.forEach((r) => router.use(r.path, r.route)): one mount per element of the table
    for (const variant of loopVariants(call, rec.ctx.resolver)) {
      let vargs = args.map((a) => variant(a));
      let path = pathArg(vargs[0]);
      let pathNode = path.given ? args[0] : undefined;
      // Koa: app.use(mount('/api', api)) mounts under a prefix, like Express's app.use('/api',
      // api)
      const mounted =
        app.framework === 'koa' && vargs.length === 1 ? koaMount(rec, vargs[0]) : undefined;
      if (mounted) {
        vargs = mounted.args;
        path = pathArg(vargs[0]);
        pathNode = path.given ? vargs[0] : undefined;
      }
      const first = path.given ? 1 : 0;
      const items = vargs.slice(first).flatMap((a) => rec.items(a, app.framework));
      if (items.length === 0) continue;
      app.uses.push({
        path: path.value,
        items,
        span: rec.registrationSpan(call, pathNode),
        seq: rec.seq++,
        conditional: isConditional(call),
        ...(underTestCondition(call) ? { testOnly: true } : {}),
      });
    }
    return;
  }
  if (name === 'route') {
    // Hono: app.route('/auth', authApp) mounts a sub-app. (Express's route(path) is a chain, see
    // resolveApp.)
    if (app.framework !== 'hono' || args.length < 2) return;
    const items = rec.items(args[1], 'hono');
    app.uses.push({
      path: staticString(args[0]),
      items,
      span: rec.registrationSpan(call, args[0]),
      seq: rec.seq++,
      conditional: isConditional(call),
    });
    return;
  }
  if (name === 'register' && app.framework === 'koa') return koaRegister(rec, call, app);
  if (name === 'register' || name === 'addHook') return;
  let i = 0;
  let method = name === 'del' ? 'DELETE' : name.toUpperCase();
  if (name === 'on') {
    // Hono: app.on('POST', '/login', handler) / app.on(['GET', 'POST'], ...)
    method = (staticString(args[0]) ?? 'ALL').toUpperCase();
    i = 1;
  }
  // koa-router named routes: router.post('login', '/login', handler)
  if (
    app.framework === 'koa' &&
    args.length >= 3 &&
    staticString(args[0]) !== undefined &&
    staticString(args[1]) !== undefined
  )
    i = 1;
  let pathNode: ts.Expression | undefined;
  let paths: Array<string | undefined>;
  if (routePath !== undefined && (args.length === 0 || !isPathLike(args[0]))) {
    paths = [routePath];
  } else {
    pathNode = args[i];
    if (!pathNode || !isPathLike(pathNode)) return;
    paths = pathValues(pathNode);
    i++;
  }
  const items = args.slice(i).flatMap((a) => rec.items(a, app.framework));
  // `app.get('trust proxy')` reads a setting: a route needs a handler
  if (items.length === 0) return;
  const testOnly = underTestCondition(call);
  for (const path of paths)
    app.routes.push({
      method,
      path,
      span: rec.registrationSpan(call, pathNode),
      items,
      seq: rec.seq++,
      ...(testOnly ? { testOnly } : {}),
    });
}
