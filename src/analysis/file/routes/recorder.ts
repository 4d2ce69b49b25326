/**
 * The shared recorder of the call-based framework adapters: it knows the file's apps (created by
 * import, handed in as parameters, chained), what a middleware or handler argument is (a limiter,
 * a router, a project function), where a registration is declared, and hands each registration
 * call to its framework's adapter (adapters/*.ts).
 */
import {
  ts,
  unwrap,
  staticString,
  isFunctionLike,
  type Span,
  type Node,
  type FunctionNode,
  SK,
} from '../ast.js';
import { modulePath, type Value } from '../values.js';
import type { FileContext } from '../context.js';
import { targetOfCallee, callTarget } from '../call-targets.js';
import { limiterOfExpression, limiterLabel } from '../../libraries/limiters.js';
import type { AppRef, ChainItem, FileApp, Framework, PassDecl, RouteFileFacts } from './types.js';
import {
  HTTP_METHODS,
  ORDERED,
  frameworkHint,
  isHonoConstructor,
  isExternalLoader,
  isFrameworkAppType,
} from '../../libraries/frameworks.js';
import {
  isVerificationMiddleware,
  credentialStrategy,
  wrap,
  optionString,
  isFunctionValued,
  calleeText,
} from './syntax.js';

/**
 * The framework adapters the recorder hands registrations to (given by extract.ts, so that the
 * adapters depend on the recorder and not the other way round).
 */
/** Fastify instance methods returning the instance (configuration chains). */
const CHAINABLE_FASTIFY = new Set([
  'withTypeProvider',
  'setValidatorCompiler',
  'setSerializerCompiler',
  'setErrorHandler',
  'setNotFoundHandler',
  'setReplySerializer',
  'setSchemaErrorFormatter',
  'decorate',
  'decorateRequest',
  'decorateReply',
  'addSchema',
  'addContentTypeParser',
]);

/** Registration methods besides the HTTP ones (a set made once: asked of every method call). */
const REGISTRATION_METHODS = new Set(['use', 'route', 'register', 'addHook', 'on', 'prefix']);

export interface FrameworkAdapters {
  /** Express, and the Koa/Hono registrations that share its middleware style. */
  middlewareStyle(
    rec: RouteRecorder,
    call: ts.CallExpression,
    name: string,
    app: FileApp,
    routePath: string | undefined,
  ): void;
  fastify(rec: RouteRecorder, call: ts.CallExpression, name: string, app: FileApp): void;
  honoBasePath(rec: RouteRecorder, call: ts.CallExpression, parent: number): { app: number };
}

export class RouteRecorder {
  readonly byKey = new Map<unknown, number>();
  readonly appOfNode = this.byKey;
  seq = 0;
  private hintRead = false;
  private hintValue: Framework | undefined;

  constructor(
    readonly sf: ts.SourceFile,
    readonly ctx: FileContext,
    readonly facts: RouteFileFacts,
    private readonly adapters: FrameworkAdapters,
  ) {}

  /**
   * The framework the file imports, for a parameter app's guess: read on first use (few files
   * make a parameter app, and the read scans the text for `require(...)`).
   */
  get hint(): Framework | undefined {
    if (!this.hintRead) {
      this.hintValue = frameworkHint(this.sf);
      this.hintRead = true;
    }
    return this.hintValue;
  }

  run(calls: readonly ts.CallExpression[]): void {
    // every call of the file: a kind compare, not ts.isX (see SK)
    for (const call of calls) {
      const callee = unwrap(call.expression);
      if (callee.kind === SK.PropertyAccessExpression)
        this.registration(call, callee as ts.PropertyAccessExpression);
      this.pass(call);
    }
  }

  // ---- apps ---------------------------------------------------------------------------------

  app(key: unknown, make: () => FileApp): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.facts.apps.length;
      this.facts.apps.push(make());
      this.byKey.set(key, id);
    }
    return id;
  }

  newApp(framework: Framework, node: Node, extra: Partial<FileApp> = {}): FileApp {
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
  factoryApp(call: ts.CallExpression): number | undefined {
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
  constructedApp(node: ts.NewExpression): number | undefined {
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

  paramApp(fn: FunctionNode, index: number): number {
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
  resolveApp(expr: ts.Expression, depth = 0): { app: number; routePath?: string } | undefined {
    if (depth > 8) return undefined;
    const e = unwrap(expr);
    if (ts.isCallExpression(e)) {
      const made = this.factoryApp(e);
      if (made !== undefined) return { app: made };
      const returned = this.returnedApp(e, depth);
      if (returned) return returned;
      const callee = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const inner = this.resolveApp(callee.expression, depth + 1);
      if (!inner) return undefined;
      const name = callee.name.text;
      const framework = this.facts.apps[inner.app].framework;
      if (name === 'route' && framework === 'express' && e.arguments.length === 1)
        return { app: inner.app, routePath: staticString(e.arguments[0]) };
      if (name === 'basePath' && framework === 'hono')
        return this.adapters.honoBasePath(this, e, inner.app);
      // Hono's `route(path, sub)` returns the app itself: `basePath('/api').route(a).route(b)`
      if (name === 'route' && framework === 'hono') return inner;
      if (HTTP_METHODS.has(name) || name === 'use' || name === 'on' || name === 'prefix')
        return inner;
      // Fastify().withTypeProvider<...>(), .setValidatorCompiler(...): the same instance
      if (framework === 'fastify' && CHAINABLE_FASTIFY.has(name)) return inner;
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

  /**
   * `const app = buildApp()` with
   * `function buildApp() { const f = Fastify(); ...; return f; }`.
   */
  private returnedApp(call: ts.CallExpression, depth: number): { app: number } | undefined {
    const callee = unwrap(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const fn = this.ctx.resolver.evaluate(callee);
    if (fn.kind !== 'function' || !fn.node.body) return undefined;
    const body = fn.node.body;
    if (!ts.isBlock(body)) {
      const r = this.resolveApp(body as ts.Expression, depth + 1);
      return r && { app: r.app };
    }
    for (const st of body.statements) {
      if (!ts.isReturnStatement(st) || !st.expression) continue;
      const r = this.resolveApp(st.expression, depth + 1);
      if (r) return { app: r.app };
    }
    return undefined;
  }

  appOfValue(value: Value, depth: number): { app: number; routePath?: string } | undefined {
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

  // ---- registrations ------------------------------------------------------------------------

  registration(call: ts.CallExpression, callee: ts.PropertyAccessExpression): void {
    const name = callee.name.text;
    if (!HTTP_METHODS.has(name) && !REGISTRATION_METHODS.has(name)) return;
    const target = this.resolveApp(callee.expression);
    if (!target) return;
    const app = this.facts.apps[target.app];
    switch (app.framework) {
      case 'fastify':
        return this.adapters.fastify(this, call, name, app);
      default:
        return this.adapters.middlewareStyle(this, call, name, app, target.routePath);
    }
  }

  addPass(app: FileApp, pass: PassDecl): void {
    app.passes.push(pass);
  }

  /**
   * `setupAuthRoutes(app)`, `require('./routes')(app, limiter)`: the app handed to project code.
   */
  pass(call: ts.CallExpression): void {
    if (call.arguments.length === 0) return;
    const callee = unwrap(call.expression);
    if (callee.kind === SK.PropertyAccessExpression) {
      // `text` is a getter: read once
      const name = (callee as ts.PropertyAccessExpression).name.text;
      if (name === 'register' || name === 'use' || HTTP_METHODS.has(name)) return;
    }
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
  items(arg: ts.Expression, framework: Framework): ChainItem[] {
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
    const credential = credentialStrategy(e, this.ctx.resolver);
    if (credential) return [{ label, span, credential }];
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
        const inner = this.items(wrapped, framework).filter((i) => i.target || i.limiter);
        if (inner.length > 0)
          return inner.map((i) => ({ ...i, label: `${calleeText(e)}(${i.label})` }));
      }
      // catchAsync(rateLimiterMiddleware): a limiter wrapped in an async-error helper
      for (const a of e.arguments) {
        const wrappedLimiter = limiterOfExpression(unwrap(a), this.ctx.resolver, this.ctx.limiters);
        if (wrappedLimiter) return [{ label, span, limiter: wrappedLimiter }];
      }
      // app.use('/v2', makeRouter()): project code that may return a router
      const made = callTarget(e, this.ctx.resolver, this.ctx.fnId);
      return made ? [{ label, span, appCall: made }] : [{ label, span }];
    }
    const app = this.resolveApp(e);
    if (app) return [{ label, span, app: { kind: 'local', app: app.app } }];
    const value = this.ctx.resolver.evaluate(e);
    // const auth = { required: expressjwt({...}) }; router.get('/user', auth.required, handler)
    if (value.kind === 'call' && isVerificationMiddleware(value.node, this.ctx.resolver))
      return [{ label, span, verifies: true }];
    const target = targetOfCallee(e, this.ctx.resolver, this.ctx.fnId);
    const item: ChainItem = { label, span };
    if (target) item.target = target;
    const m = value.kind === 'module' ? value : undefined;
    if (m && this.ctx.resolver.specifiers.has(m.source))
      item.app = { kind: 'module', source: m.source, path: m.path } satisfies AppRef;
    return [item];
  }

  /** From the start of the call to the end of its path argument: where the route is declared. */
  registrationSpan(call: ts.CallExpression, pathNode: ts.Node | undefined): Span {
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
