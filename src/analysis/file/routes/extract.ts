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
import {
  ts,
  unwrap,
  staticString,
  spanOf,
  memberName,
  isFunctionLike,
  type Span,
  type Node,
  type FunctionNode,
  SK,
} from '../ast.js';
import { modulePath, type Resolver, type Value } from '../values.js';
import type { FileContext } from '../context.js';
import { targetOfCallee, callTarget } from '../call-targets.js';
import { limiterOfExpression, limiterLabel } from '../../libraries/limiters.js';
import { extractNestApps } from './adapters/nest.js';
import { extractNextApps } from './adapters/next.js';
import type { AppRef, ChainItem, FileApp, Framework, PassDecl, RouteFileFacts } from './types.js';

export type { RouteFileFacts } from './types.js';

const HTTP_METHODS = new Set([
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
const FASTIFY_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler']);
const ORDERED: Record<Framework, boolean> = {
  express: true,
  koa: true,
  hono: true,
  fastify: false,
  nestjs: false,
  nextjs: false,
};

/**
 * The frameworks' modules, in the order a file importing several is judged by: a name ending in
 * `/` is a scope or folder prefix (`@fastify/cookie`, `hono/jwt`), any other also covers its
 * subpaths (`express/lib/router`).
 */
const FRAMEWORK_MODULES: ReadonlyArray<readonly [Framework, readonly string[]]> = [
  ['fastify', ['fastify', 'fastify-plugin', '@fastify/']],
  ['hono', ['hono', '@hono/']],
  ['koa', ['koa', '@koa/router', 'koa-router', '@feathersjs/koa']],
  ['express', ['express', '@feathersjs/express']],
];

function frameworkOfModule(source: string): Framework | undefined {
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
function modulePattern(m: string): string {
  const literal = m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return m.endsWith('/') ? `${literal}[\\w-]+` : `${literal}(\\/[\\w-]+)?`;
}

/** A quoted framework module anywhere in the text (an import, a `require`, an `import()`). */
const FRAMEWORK_MODULE_TEXT = new RegExp(
  `['"](${FRAMEWORK_MODULES.flatMap(([, modules]) => modules.map(modulePattern)).join('|')})['"]`,
);

/** Framework a file's imports point at, for apps known only as parameters. */
function frameworkHint(sf: ts.SourceFile): Framework | undefined {
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
function mayRegisterRoutes(text: string): boolean {
  if (/\.(get|post|put|patch|delete|options|head|all|use|route|register|on)\s*[(<]/.test(text))
    return true;
  // a file that only hands an app to other code: `loadRoutes(instance)` inside `fp(...)`
  return FRAMEWORK_MODULE_TEXT.test(text);
}

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
  facts.apps.push(...nest.apps, ...next.apps);
  facts.projectLimiters.push(...nest.projectLimiters, ...next.projectLimiters);
  if (nest.bypassingGuards.length > 0) facts.bypassingGuards = nest.bypassingGuards;
  if (nest.tokenGuards.length > 0) facts.tokenGuards = nest.tokenGuards;
  if (!mayRegisterRoutes(sf.text)) return { facts, appOfNode: new Map() };
  const routes = new CallRoutes(sf, ctx, facts);
  routes.run(calls);
  return { facts, appOfNode: routes.appOfNode };
}

class CallRoutes {
  private readonly byKey = new Map<unknown, number>();
  readonly appOfNode = this.byKey;
  private seq = 0;
  private readonly hint: Framework | undefined;

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly ctx: FileContext,
    private readonly facts: RouteFileFacts,
  ) {
    this.hint = frameworkHint(sf);
  }

  run(calls: readonly ts.CallExpression[]): void {
    for (const call of calls) {
      const callee = unwrap(call.expression);
      if (ts.isPropertyAccessExpression(callee)) this.registration(call, callee);
      this.pass(call);
    }
  }

  // ---- apps ---------------------------------------------------------------------------------

  private app(key: unknown, make: () => FileApp): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.facts.apps.length;
      this.facts.apps.push(make());
      this.byKey.set(key, id);
    }
    return id;
  }

  private newApp(framework: Framework, node: Node, extra: Partial<FileApp> = {}): FileApp {
    return {
      framework,
      span: this.ctx.span(node),
      ordered: ORDERED[framework],
      routes: [],
      uses: [],
      passes: [],
      ...extra,
    };
  }

  /** `express()`, `express.Router()`, `Router()`, `fastify()`, `Fastify({ logger: true })`. */
  private factoryApp(call: ts.CallExpression): number | undefined {
    const m = modulePath(this.ctx.resolver.evaluate(call.expression));
    if (!m) return undefined;
    const p = m.path.join('.');
    if (m.source === 'express' && p === '')
      return this.app(call, () => this.newApp('express', call));
    if (m.source === 'express' && p === 'Router')
      return this.app(call, () => this.newApp('express', call));
    if (m.source === 'fastify' && (p === '' || p === 'fastify'))
      return this.app(call, () => this.newApp('fastify', call));
    // Feathers wraps the frameworks: `express(feathers())` is an Express app, `koa(feathers())` a
    // Koa app
    if (m.source === '@feathersjs/express' && (p === '' || p === 'default' || p === 'Router'))
      return this.app(call, () => this.newApp('express', call));
    if (m.source === '@feathersjs/koa' && p === 'koa')
      return this.app(call, () => this.newApp('koa', call));
    return undefined;
  }

  /** `new Koa()`, `new Router({ prefix: '/auth' })`, `new Hono()`, `new express.Router()`. */
  private constructedApp(node: ts.NewExpression): number | undefined {
    const m = modulePath(this.ctx.resolver.evaluate(node.expression));
    if (!m) return undefined;
    const p = m.path.join('.');
    if (m.source === 'koa' && (p === '' || p === 'Koa'))
      return this.app(node, () => this.newApp('koa', node));
    if ((m.source === '@koa/router' || m.source === 'koa-router') && (p === '' || p === 'Router')) {
      return this.app(node, () =>
        this.newApp('koa', node, {
          prefix: optionString(node.arguments?.[0], 'prefix'),
          router: true,
        }),
      );
    }
    if (isHonoConstructor(m.source, p)) return this.app(node, () => this.newApp('hono', node));
    if (m.source === 'express' && p === 'Router')
      return this.app(node, () => this.newApp('express', node));
    return undefined;
  }

  private paramApp(fn: FunctionNode, index: number): number {
    const id = this.ctx.fnId(fn);
    return this.app(`param:${id}:${index}`, () => {
      const name =
        fn.parameters[index] && ts.isIdentifier(fn.parameters[index].name)
          ? (fn.parameters[index].name as ts.Identifier).text
          : '';
      const framework: Framework = this.hint ?? (/fastify/i.test(name) ? 'fastify' : 'express');
      return this.newApp(framework, fn.parameters[index] ?? fn, { param: { fn: id, index } });
    });
  }

  /**
   * The app an expression denotes, following bindings and chains: `router`, `this.app`,
   * `app.route('/x').get(h)` (with the chained path), `app.get(...).post(...)`,
   * `app.basePath('/api')`.
   */
  private resolveApp(
    expr: ts.Expression,
    depth = 0,
  ): { app: number; routePath?: string } | undefined {
    if (depth > 8) return undefined;
    const e = unwrap(expr);
    if (ts.isCallExpression(e)) {
      const made = this.factoryApp(e);
      if (made !== undefined) return { app: made };
      const callee = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const inner = this.resolveApp(callee.expression, depth + 1);
      if (!inner) return undefined;
      const name = callee.name.text;
      const framework = this.facts.apps[inner.app].framework;
      if (name === 'route' && framework === 'express' && e.arguments.length === 1)
        return { app: inner.app, routePath: staticString(e.arguments[0]) };
      if (name === 'basePath' && framework === 'hono') return this.honoBasePath(e, inner.app);
      if (HTTP_METHODS.has(name) || name === 'use' || name === 'on' || name === 'prefix')
        return inner;
      return undefined;
    }
    if (ts.isNewExpression(e)) return wrap(this.constructedApp(e));
    if (
      !ts.isIdentifier(e) &&
      !ts.isPropertyAccessExpression(e) &&
      !ts.isElementAccessExpression(e)
    )
      return undefined;
    const value = this.ctx.resolver.evaluate(e);
    // `function init(app: Koa)`, `(router: Router)`: a parameter typed as a framework's app is a
    // parameter app like an untyped one (the annotation made it an instance with no creation node)
    if (
      ts.isIdentifier(e) &&
      value.kind === 'instance' &&
      !value.node &&
      isFrameworkAppType(value.of)
    ) {
      const decl = this.ctx.resolver.findDeclaration(e);
      if (
        decl &&
        decl.kind === 'node' &&
        ts.isParameter(decl.node) &&
        isFunctionLike(decl.node.parent)
      ) {
        const fn = decl.node.parent as FunctionNode;
        return { app: this.paramApp(fn, fn.parameters.indexOf(decl.node)) };
      }
    }
    return this.appOfValue(value, depth);
  }

  private appOfValue(value: Value, depth: number): { app: number; routePath?: string } | undefined {
    switch (value.kind) {
      case 'call':
        return this.resolveApp(value.node, depth + 1);
      case 'instance':
        return value.node ? wrap(this.constructedApp(value.node)) : undefined;
      case 'param':
        return isFunctionLike(value.fn) && value.index >= 0
          ? { app: this.paramApp(value.fn, value.index) }
          : undefined;
      default:
        return undefined;
    }
  }

  private honoBasePath(call: ts.CallExpression, parent: number): { app: number } {
    const id = this.app(call, () => this.newApp('hono', call));
    const prefix = staticString(call.arguments[0]);
    this.facts.apps[parent].uses.push({
      path: prefix,
      items: [{ label: 'basePath', span: this.ctx.span(call), app: { kind: 'local', app: id } }],
      span: this.ctx.span(call),
      seq: this.seq++,
      conditional: false,
    });
    return { app: id };
  }

  // ---- registrations ------------------------------------------------------------------------

  private registration(call: ts.CallExpression, callee: ts.PropertyAccessExpression): void {
    const name = callee.name.text;
    if (
      !HTTP_METHODS.has(name) &&
      !['use', 'route', 'register', 'addHook', 'on', 'prefix'].includes(name)
    )
      return;
    const target = this.resolveApp(callee.expression);
    if (!target) return;
    const app = this.facts.apps[target.app];
    switch (app.framework) {
      case 'fastify':
        return this.fastify(call, name, app);
      default:
        return this.middlewareStyle(call, name, app, target.routePath);
    }
  }

  /** Express, Koa and Hono: `x.METHOD(path, ...handlers)`, `x.use([path], ...middleware)`. */
  private middlewareStyle(
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
      for (const variant of loopVariants(call, this.ctx.resolver)) {
        let vargs = args.map((a) => variant(a));
        let path = pathArg(vargs[0]);
        let pathNode = path.given ? args[0] : undefined;
        // Koa: app.use(mount('/api', api)) mounts under a prefix, like Express's app.use('/api',
        // api)
        const mounted =
          app.framework === 'koa' && vargs.length === 1 ? this.koaMount(vargs[0]) : undefined;
        if (mounted) {
          vargs = mounted.args;
          path = pathArg(vargs[0]);
          pathNode = path.given ? vargs[0] : undefined;
        }
        const first = path.given ? 1 : 0;
        const items = vargs.slice(first).flatMap((a) => this.items(a, app.framework));
        if (items.length === 0) continue;
        app.uses.push({
          path: path.value,
          items,
          span: this.registrationSpan(call, pathNode),
          seq: this.seq++,
          conditional: isConditional(call),
        });
      }
      return;
    }
    if (name === 'route') {
      // Hono: app.route('/auth', authApp) mounts a sub-app. (Express's route(path) is a chain, see
      // resolveApp.)
      if (app.framework !== 'hono' || args.length < 2) return;
      const items = this.items(args[1], 'hono');
      app.uses.push({
        path: staticString(args[0]),
        items,
        span: this.registrationSpan(call, args[0]),
        seq: this.seq++,
        conditional: isConditional(call),
      });
      return;
    }
    if (name === 'register' && app.framework === 'koa') return this.koaRegister(call, app);
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
    const items = args.slice(i).flatMap((a) => this.items(a, app.framework));
    // `app.get('trust proxy')` reads a setting: a route needs a handler
    if (items.length === 0) return;
    for (const path of paths)
      app.routes.push({
        method,
        path,
        span: this.registrationSpan(call, pathNode),
        items,
        seq: this.seq++,
      });
  }

  /** koa-router's low-level `router.register('/login', ['POST'], [limiter, handler], opts)`. */
  private koaRegister(call: ts.CallExpression, app: FileApp): void {
    const [pathNode, methodsArg, middleware] = call.arguments;
    if (!pathNode || !isPathLike(pathNode) || !methodsArg || !middleware) return;
    const items = this.items(middleware, 'koa');
    if (items.length === 0) return;
    for (const path of pathValues(pathNode)) {
      for (const method of methodList(methodsArg))
        app.routes.push({
          method,
          path,
          span: this.registrationSpan(call, pathNode),
          items,
          seq: this.seq++,
        });
    }
  }

  /** Fastify: shorthand methods, `route({...})`, `register(plugin, { prefix })`, `addHook`. */
  private fastify(call: ts.CallExpression, name: string, app: FileApp): void {
    const args = call.arguments;
    if (name === 'register') return this.fastifyRegister(call, app);
    if (name === 'addHook') {
      const hook = staticString(args[0]);
      if (!hook || !FASTIFY_HOOKS.has(hook) || !args[1]) return;
      app.uses.push({
        items: this.items(args[1], 'fastify'),
        span: this.ctx.span(call),
        seq: this.seq++,
        conditional: isConditional(call),
      });
      return;
    }
    if (name === 'route') {
      const opts = args[0] && unwrap(args[0]);
      if (!opts || !ts.isObjectLiteralExpression(opts)) return;
      const methods = methodList(property(opts, 'method'));
      const url = property(opts, 'url') ?? property(opts, 'path');
      const route = this.fastifyRoute(call, opts, url, undefined, app);
      if (!route) return;
      for (const method of methods) app.routes.push({ ...route, method, seq: this.seq++ });
      return;
    }
    if (!HTTP_METHODS.has(name) || !args[0] || !isPathLike(args[0])) return;
    const optsArg =
      args.length >= 3 || (args[1] && ts.isObjectLiteralExpression(unwrap(args[1])))
        ? unwrap(args[1])
        : undefined;
    const opts = optsArg && ts.isObjectLiteralExpression(optsArg) ? optsArg : undefined;
    const handler = args.length >= 3 ? args[2] : opts ? undefined : args[1];
    const route = this.fastifyRoute(call, opts, args[0], handler, app);
    if (route)
      app.routes.push({
        ...route,
        method: name === 'del' ? 'DELETE' : name.toUpperCase(),
        seq: this.seq++,
      });
  }

  private fastifyRoute(
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
        if (v) items.push(...this.items(v, 'fastify'));
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
    items.push(...this.items(handler, 'fastify'));
    return {
      path: url ? staticString(url) : undefined,
      span: this.registrationSpan(
        call,
        url && url.pos >= call.pos && url.end <= call.end ? url : undefined,
      ),
      items,
      limiter,
      optOut,
    };
  }

  private fastifyRegister(call: ts.CallExpression, app: FileApp): void {
    const [pluginArg, optsArg] = call.arguments;
    if (!pluginArg) return;
    const opts =
      optsArg && ts.isObjectLiteralExpression(unwrap(optsArg))
        ? (unwrap(optsArg) as ts.ObjectLiteralExpression)
        : undefined;
    const prefix = opts ? staticString(property(opts, 'prefix')) : undefined;
    let plugin = unwrap(pluginArg);
    if (ts.isAwaitExpression(plugin)) plugin = unwrap(plugin.expression);
    const value = this.ctx.resolver.evaluate(plugin);
    const m = modulePath(value.kind === 'call' ? value.callee : value);
    if (m && (m.source === '@fastify/rate-limit' || m.source === 'fastify-rate-limit')) {
      const global = opts ? property(opts, 'global') : undefined;
      if (!(global && unwrap(global).kind === SK.FalseKeyword))
        app.limiter = {
          name: m.source,
          span: this.ctx.span(call),
          conditional: isConditional(call),
        };
      return;
    }
    if (m && m.source === '@fastify/autoload') {
      this.facts.autoload = this.facts.apps.indexOf(app);
      return;
    }
    // fastify-plugin: fp(plugin) shares the plugin's registrations with the parent
    let fnExpr: ts.Expression = plugin;
    let unencapsulated = false;
    if (ts.isCallExpression(plugin)) {
      const fm = modulePath(this.ctx.resolver.evaluate(plugin.expression));
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
      if (this.ctx.resolver.specifiers.has(source))
        this.addPass(app, {
          target: { kind: 'module', source, path: ['default'] },
          index: 0,
          prefix,
          span: this.ctx.span(call),
          seq: this.seq++,
        });
      return;
    }
    const target = targetOfCallee(fnExpr, this.ctx.resolver, this.ctx.fnId);
    if (!target) return;
    if (target.kind === 'local' && unencapsulated) {
      const child = this.byKey.get(`param:${target.fn}:0`);
      if (child !== undefined) this.facts.apps[child].unencapsulated = true;
    }
    this.addPass(app, { target, index: 0, prefix, span: this.ctx.span(call), seq: this.seq++ });
  }

  /**
   * `mount('/api', api)` / `mount(api)` with koa-mount: its arguments, read like a `use` call's.
   */
  private koaMount(arg: ts.Expression): { args: ts.Expression[] } | undefined {
    const e = unwrap(arg);
    if (!ts.isCallExpression(e) || e.arguments.length === 0 || e.arguments.length > 2)
      return undefined;
    const m = modulePath(this.ctx.resolver.evaluate(e.expression));
    return m && m.source === 'koa-mount' && m.path.length === 0
      ? { args: [...e.arguments] }
      : undefined;
  }

  private addPass(app: FileApp, pass: PassDecl): void {
    app.passes.push(pass);
  }

  /**
   * `setupAuthRoutes(app)`, `require('./routes')(app, limiter)`: the app handed to project code.
   */
  private pass(call: ts.CallExpression): void {
    if (call.arguments.length === 0) return;
    const callee = unwrap(call.expression);
    if (
      ts.isPropertyAccessExpression(callee) &&
      (callee.name.text === 'register' ||
        callee.name.text === 'use' ||
        HTTP_METHODS.has(callee.name.text))
    )
      return;
    // Only project code (or an external plugin loader, for Fastify's autoload) can receive an app:
    // settle that first, so that the arguments of every other call are not resolved as apps (a
    // parameter passed to `res.json(user)` would otherwise become an app of its own).
    const target = callTarget(call, this.ctx.resolver, this.ctx.fnId);
    if (!target && !isExternalLoader(this.ctx.resolver.evaluate(callee), this.ctx.resolver)) return;
    for (let i = 0; i < call.arguments.length; i++) {
      const arg = unwrap(call.arguments[i]);
      if (!ts.isIdentifier(arg) && !ts.isPropertyAccessExpression(arg)) continue;
      const app = this.resolveApp(arg);
      if (!app) continue;
      if (!target) {
        if (this.facts.apps[app.app].framework === 'fastify') this.facts.autoload = app.app;
        return;
      }
      this.addPass(this.facts.apps[app.app], {
        target,
        index: i,
        span: this.ctx.span(call),
        seq: this.seq++,
      });
    }
  }

  // ---- chain items --------------------------------------------------------------------------

  /**
   * What one middleware/handler argument is: a limiter, a router, a project function, or opaque.
   */
  private items(arg: ts.Expression, framework: Framework): ChainItem[] {
    const e = unwrap(arg);
    if (ts.isArrayLiteralExpression(e))
      return e.elements.flatMap((el) => this.items(el, framework));
    if (ts.isSpreadElement(e)) return this.items(e.expression, framework);
    const span = this.ctx.span(e);
    const label =
      limiterLabel(e) || (isFunctionLike(e) ? '<inline handler>' : e.getText(this.sf).slice(0, 40));
    const limiter = limiterOfExpression(e, this.ctx.resolver, this.ctx.limiters);
    if (limiter) return [{ label, span, limiter }];
    if (isVerificationMiddleware(e, this.ctx.resolver)) return [{ label, span, verifies: true }];
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      // Koa: router.routes() / router.middleware() mounts the router; allowedMethods() only answers
      // 405s
      if (
        ts.isPropertyAccessExpression(callee) &&
        (callee.name.text === 'routes' || callee.name.text === 'middleware')
      ) {
        const app = this.resolveApp(callee.expression);
        if (app) return [{ label, span, app: { kind: 'local', app: app.app } }];
        // router.use('/', auth.routes()) with `auth` a router imported from a project module
        const imported = this.ctx.resolver.evaluate(callee.expression);
        if (imported.kind === 'module' && this.ctx.resolver.specifiers.has(imported.source))
          return [
            { label, span, app: { kind: 'module', source: imported.source, path: imported.path } },
          ];
        if (framework === 'koa' && callee.name.text === 'routes' && imported.kind === 'unknown')
          return [{ label, span, opaqueRouter: true }];
      }
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'allowedMethods') return [];
      // fn.bind(this)
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind')
        return this.items(callee.expression, framework);
      const app = this.resolveApp(e);
      if (app) return [{ label, span, app: { kind: 'local', app: app.app } }];
      // asyncHandler(async (req, res) => ...), catchAsync(controller.login): the wrapped function
      // is the handler
      const wrapped = e.arguments.find((a) => isFunctionValued(unwrap(a), this.ctx.resolver));
      if (wrapped) {
        const inner = this.items(wrapped, framework).filter((i) => i.target);
        if (inner.length > 0)
          return inner.map((i) => ({ ...i, label: `${calleeText(e)}(${i.label})` }));
      }
      return [{ label, span }];
    }
    const app = this.resolveApp(e);
    if (app) return [{ label, span, app: { kind: 'local', app: app.app } }];
    const value = this.ctx.resolver.evaluate(e);
    const target = targetOfCallee(e, this.ctx.resolver, this.ctx.fnId);
    const item: ChainItem = { label, span };
    if (target) item.target = target;
    const m = value.kind === 'module' ? value : undefined;
    if (m && this.ctx.resolver.specifiers.has(m.source))
      item.app = { kind: 'module', source: m.source, path: m.path } satisfies AppRef;
    return [item];
  }

  /** From the start of the call to the end of its path argument: where the route is declared. */
  private registrationSpan(call: ts.CallExpression, pathNode: ts.Node | undefined): Span {
    // router.post('/login', a).post('/reset', b), or `router` on a line of its own: each link of a
    // chain starts at its own method name
    const callee = unwrap(call.expression);
    let start = this.sf.getLineAndCharacterOfPosition(call.getStart(this.sf));
    if (ts.isPropertyAccessExpression(callee)) {
      const method = this.sf.getLineAndCharacterOfPosition(callee.name.getStart(this.sf));
      if (ts.isCallExpression(unwrap(callee.expression)) || method.line !== start.line)
        start = method;
    }
    const endNode = pathNode ?? call.expression;
    const end = this.sf.getLineAndCharacterOfPosition(endNode.getEnd());
    return {
      startLine: start.line + 1,
      startColumn: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  }
}

/**
 * A plugin file for @fastify/autoload that only re-exports `@fastify/rate-limit`
 * (`export default fastifyRateLimit`): autoload registers it on the root instance, skipping
 * encapsulation as the package asks, so it limits every route.
 */
function autoloadedRateLimit(
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

/**
 * passport-local's verify callback is where a username/password login fails:
 * `passport.use(new LocalStrategy(async (username, password, done) => ...))`, or NestJS's
 * `class LocalStrategy extends PassportStrategy(Strategy) { validate(...) }`.
 */
function loginStrategies(sf: ts.SourceFile, ctx: FileContext): RouteFileFacts['loginStrategies'] {
  const out: RouteFileFacts['loginStrategies'] = [];
  const isLocal = (expr: ts.Expression) =>
    modulePath(ctx.resolver.evaluate(expr))?.source === 'passport-local';
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && isLocal(node.expression)) {
      const fn = node.arguments
        ?.map((a) => unwrap(a))
        .find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a) || ts.isIdentifier(a));
      const value =
        fn &&
        (isFunctionLike(fn)
          ? ({ kind: 'function', node: fn } as const)
          : ctx.resolver.evaluate(fn));
      if (value && value.kind === 'function')
        out.push({ fn: ctx.fnId(value.node), span: ctx.span(node), library: 'passport-local' });
    }
    if (ts.isClassDeclaration(node) && node.heritageClauses) {
      const base = node.heritageClauses.flatMap((h) => h.types.map((t) => unwrap(t.expression)));
      const passport = base.some(
        (b) => ts.isCallExpression(b) && b.arguments.length > 0 && isLocal(b.arguments[0]),
      );
      const validate = passport
        ? node.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText(sf) === 'validate')
        : undefined;
      if (validate && ts.isMethodDeclaration(validate))
        out.push({
          fn: ctx.fnId(validate),
          span: ctx.span(node.name ?? node),
          library: 'passport-local',
        });
      // Feathers: `class PasswordStrategy extends AuthenticationBaseStrategy { authenticate(data)
      // }`, invoked by name from the authentication service that signs the JWT; a strategy that
      // handles a password is a login (the JWT and OAuth strategies are not)
      const feathers = base.some((b) => {
        const m = modulePath(ctx.resolver.evaluate(b));
        return (
          !!m &&
          ((m.source === '@feathersjs/authentication' &&
            m.path[0] === 'AuthenticationBaseStrategy') ||
            (m.source === '@feathersjs/authentication-local' && m.path[0] === 'LocalStrategy'))
        );
      });
      const authenticate = feathers
        ? node.members.find(
            (m) => ts.isMethodDeclaration(m) && m.name.getText(sf) === 'authenticate',
          )
        : undefined;
      if (
        authenticate &&
        ts.isMethodDeclaration(authenticate) &&
        /passw/i.test(authenticate.getText(sf))
      )
        out.push({
          fn: ctx.fnId(authenticate),
          span: ctx.span(node.name ?? node),
          library: 'feathers',
        });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

type Substitute = (expr: ts.Expression) => ts.Expression;

/**
 * A registration inside a loop over a literal table of routes (`[{ path: '/auth', route: authRoute
 * }]` with `.forEach`, `.map` or `for...of`): one substitution per element, replacing `r.path` /
 * destructured `path` by the element's value. Outside such a loop: the identity.
 */
function loopVariants(call: ts.Node, resolver: Resolver): Substitute[] {
  const identity: Substitute[] = [(e) => e];
  let binding: ts.BindingName | undefined;
  let table: ts.Expression | undefined;
  for (let n: ts.Node | undefined = call.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (
      ts.isForOfStatement(n) &&
      ts.isVariableDeclarationList(n.initializer) &&
      n.initializer.declarations[0]
    ) {
      binding = n.initializer.declarations[0].name;
      table = n.expression;
      break;
    }
    if (isFunctionLike(n)) {
      const parent = n.parent;
      const callee = parent && ts.isCallExpression(parent) ? unwrap(parent.expression) : undefined;
      if (
        callee &&
        ts.isPropertyAccessExpression(callee) &&
        /^(forEach|map)$/.test(callee.name.text) &&
        (parent as ts.CallExpression).arguments[0] === n &&
        n.parameters[0]
      ) {
        binding = n.parameters[0].name;
        table = callee.expression;
      }
      break;
    }
  }
  if (!binding || !table) return identity;
  let t = unwrap(table);
  if (ts.isIdentifier(t)) {
    const decl = resolver.findDeclaration(t);
    const init =
      decl && decl.kind === 'node' && ts.isVariableDeclaration(decl.node)
        ? decl.node.initializer
        : undefined;
    if (!init) return identity;
    t = unwrap(init);
  }
  if (
    !ts.isArrayLiteralExpression(t) ||
    !t.elements.every((el) => ts.isObjectLiteralExpression(unwrap(el)))
  )
    return identity;
  const bound = binding;
  return t.elements.map((el) => {
    const obj = unwrap(el) as ts.ObjectLiteralExpression;
    return (expr: ts.Expression) => {
      const e = unwrap(expr);
      if (
        ts.isIdentifier(bound) &&
        ts.isPropertyAccessExpression(e) &&
        ts.isIdentifier(e.expression) &&
        e.expression.text === bound.text
      )
        return property(obj, e.name.text) ?? expr;
      if (ts.isObjectBindingPattern(bound) && ts.isIdentifier(e)) {
        const el2 = bound.elements.find((b) => ts.isIdentifier(b.name) && b.name.text === e.text);
        const key =
          el2 &&
          (el2.propertyName && ts.isIdentifier(el2.propertyName) ? el2.propertyName.text : e.text);
        if (key) return property(obj, key) ?? expr;
      }
      return expr;
    };
  });
}

/**
 * Middleware from a library that verifies the caller's token: `expressjwt({...})`, koa-jwt's
 * `jwt({...})`, hono/jwt's `jwt({...})`, `passport.authenticate('jwt')` (not `'local'`: that one
 * checks a password, it is a login).
 */
function isVerificationMiddleware(e: ts.Expression, resolver: Resolver): boolean {
  if (!ts.isCallExpression(e)) return false;
  const m = modulePath(resolver.evaluate(e.expression));
  if (!m) return false;
  if (
    m.source === 'express-jwt' ||
    m.source === 'koa-jwt' ||
    (m.source === 'hono/jwt' && m.path.join('.') === 'jwt') ||
    m.source === 'hono/bearer-auth'
  )
    return true;
  if (m.source === 'passport' && m.path[m.path.length - 1] === 'authenticate') {
    const strategy = staticString(e.arguments[0]);
    return !!strategy && /jwt|bearer|token|oauth2?-?bearer/i.test(strategy);
  }
  return false;
}

// ---- small helpers --------------------------------------------------------------------------

function wrap(id: number | undefined): { app: number } | undefined {
  return id === undefined ? undefined : { app: id };
}

function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (
      ts.isPropertyAssignment(p) &&
      (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
      p.name.text === name
    )
      return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
    if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name) && p.name.text === name)
      return p as unknown as ts.Expression;
  }
  return undefined;
}

function optionString(arg: ts.Expression | undefined, name: string): string | undefined {
  const o = arg && unwrap(arg);
  return o && ts.isObjectLiteralExpression(o) ? staticString(property(o, name)) : undefined;
}

function methodList(expr: ts.Expression | undefined): string[] {
  if (!expr) return ['ALL'];
  const e = unwrap(expr);
  if (ts.isArrayLiteralExpression(e))
    return e.elements.map((el) => (staticString(el) ?? 'ALL').toUpperCase());
  return [(staticString(e) ?? 'ALL').toUpperCase()];
}

/**
 * A first argument that is a path: a string, a template, an array of strings, a regular expression.
 */
function isPathLike(expr: ts.Expression): boolean {
  const e = unwrap(expr);
  return (
    ts.isStringLiteralLike(e) ||
    ts.isTemplateExpression(e) ||
    ts.isRegularExpressionLiteral(e) ||
    (ts.isArrayLiteralExpression(e) && e.elements.every((el) => ts.isStringLiteralLike(el))) ||
    (ts.isBinaryExpression(e) && e.operatorToken.kind === SK.PlusToken) ||
    (ts.isIdentifier(e) && /path|url|route|prefix|base/i.test(e.text))
  );
}

function pathValues(expr: ts.Expression): Array<string | undefined> {
  const e = unwrap(expr);
  if (ts.isArrayLiteralExpression(e)) return e.elements.map((el) => staticString(el));
  return [staticString(e)];
}

function pathArg(expr: ts.Expression | undefined): { given: boolean; value?: string } {
  if (!expr) return { given: false };
  const e = unwrap(expr);
  if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e))
    return { given: true, value: staticString(e) };
  if (
    ts.isArrayLiteralExpression(e) &&
    e.elements.length > 0 &&
    e.elements.every((el) => ts.isStringLiteralLike(el))
  )
    return { given: true, value: staticString(e.elements[0]) };
  return { given: false };
}

function isConditional(node: ts.Node): boolean {
  for (let n = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (isFunctionLike(n)) return false;
    if (ts.isIfStatement(n) || ts.isConditionalExpression(n) || ts.isSwitchStatement(n))
      return true;
    if (
      ts.isBinaryExpression(n) &&
      (n.operatorToken.kind === SK.AmpersandAmpersandToken ||
        n.operatorToken.kind === SK.BarBarToken)
    )
      return true;
  }
  return false;
}

function isFunctionValued(e: ts.Expression, resolver: Resolver): boolean {
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return false;
  const v = resolver.evaluate(e);
  return v.kind === 'function' || (v.kind === 'module' && resolver.specifiers.has(v.source));
}

function calleeText(call: ts.CallExpression): string {
  return memberName(unwrap(call.expression)) ?? limiterLabel(unwrap(call.expression)) ?? 'wrapper';
}

export { spanOf };

/**
 * `Hono` from `hono` or one of its presets (`hono/tiny`, `hono/quick`: the same class with another
 * router), and `OpenAPIHono` from `@hono/zod-openapi`, a subclass most OpenAPI-first apps use.
 */
function isHonoConstructor(source: string, exportPath: string): boolean {
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
function isExternalLoader(value: Value, resolver: Resolver): boolean {
  const m = modulePath(value);
  if (!m || resolver.specifiers.has(m.source)) return false;
  return (
    !m.source.startsWith('node:') &&
    !NODE_BUILTINS.has(m.source) &&
    m.source !== 'fastify' &&
    m.source !== 'fastify-plugin'
  );
}
const NODE_BUILTINS = new Set([
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
function isFrameworkAppType(of: Value): boolean {
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
