/**
 * Where a propagated error ends, as seen in one file (SPEC "Where a propagated error ends"): the
 * framework error handlers registered here — Express error middleware `(err, req, res, next)`,
 * Koa `try { await next() } catch` middleware and `app.on('error')` listeners, Fastify
 * `setErrorHandler` and whether a Fastify instance has a logger, Hono `onError`, NestJS exception
 * filters (`@Catch` classes, `useGlobalFilters`, `APP_FILTER`, `@UseFilters`) — each judged for
 * an HTTP 4xx error (`auth`) and for a plain error (`plain`). Plain data: project/error-flow.ts
 * links it across files.
 */
import {
  ts,
  unwrap,
  walk,
  isFunctionLike,
  calleeName,
  memberName,
  endsWithExit,
  asList,
  type FunctionNode,
  type Node,
} from './ast.js';
import { monitoringEvidence } from './monitoring.js';
import { callTarget } from './call-targets.js';
import type {
  ErrorHandlerFileFacts,
  ErrorHandlerKind,
  ErrorJudgement,
} from './error-handler-types.js';
import type { FileContext } from './context.js';
import { isKoaThrow } from './responses.js';

/** Words in a condition that an auth (4xx) error satisfies. */
const AUTH_TEST =
  /<\s*500\b|<=\s*499\b|\b4\d\d\b|Unauthori[sz]ed|Forbidden|JsonWebToken|TokenExpired|NotBefore|HttpException|HTTPException|HttpError|expose|instanceof\s+\w*(Api|Http|Auth|Client|App)\w*Error|ValidationError|isHttpError|isBoom/;
/** Words in a condition that only a server (5xx) error satisfies. */
const SERVER_TEST = /(>=?|===?|==)\s*5\d\d\b|\b5\d\d\s*(<=?|===?|==)|\b(isServerError|is5xx)\b/;

export function extractErrorHandlers(
  ctx: FileContext,
  callNodes: readonly ts.CallExpression[],
  classNodes: readonly ts.ClassLikeDeclaration[],
): ErrorHandlerFileFacts {
  const out: ErrorHandlerFileFacts = {
    handlers: [],
    fastifyLoggers: [],
    nestGlobalFilters: [],
    nestGlobalInterceptors: [],
    nestScopedFilters: {},
  };
  const text = ctx.sf.text;
  if (/from\s+['"]@nestjs\/|require\(['"]@nestjs\//.test(text)) out.nest = true;
  if (!/use|next|onError|setErrorHandler|on\(|Catch|APP_FILTER|logger|Filters/.test(text))
    return out;
  const add = (kind: ErrorHandlerKind, fn: FunctionNode, label: string, errIndex: number) => {
    if (!fn.body) return;
    const err = paramName(fn, errIndex);
    const owner = ownerOf(fn, ctx);
    out.handlers.push({
      kind,
      span: ctx.span(fn),
      label,
      ...(owner ? { owner } : {}),
      auth: judge(fn.body, err, 'auth', ctx),
      plain: judge(fn.body, err, 'plain', ctx),
    });
  };
  for (const call of callNodes) {
    const callee = unwrap(call.expression);
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    const fnArg = (i: number) => functionArg(call.arguments[i], ctx);
    if (method === 'on' && staticText(call.arguments[0]) === 'error') {
      const fn = fnArg(1);
      if (fn && /\bkoa\b/.test(text)) add('koa-listener', fn, "app.on('error')", 0);
    } else if (method === 'setErrorHandler') {
      const fn = fnArg(0);
      if (fn) add('fastify-handler', fn, 'setErrorHandler', 0);
    } else if (method === 'onError') {
      const fn = fnArg(0);
      if (fn) add('hono-handler', fn, 'app.onError', 0);
    } else if (method === 'useGlobalFilters' || method === 'useGlobalInterceptors') {
      const names = call.arguments.map(className).filter((n): n is string => !!n);
      if (method === 'useGlobalFilters') out.nestGlobalFilters.push(...names);
      else out.nestGlobalInterceptors.push(...names);
    } else if (isFastifyFactory(call, ctx)) {
      out.fastifyLoggers.push(hasLogger(call.arguments[0]));
    }
  }
  // { provide: APP_FILTER, useClass: X }; error middleware wherever it is declared (it is
  // usually registered from another file: `app.use(errorHandler)`)
  walk(ctx.sf, (n) => {
    if (isFunctionLike(n)) {
      middleware(n, ctx, out);
      return true;
    }
    if (!ts.isObjectLiteralExpression(n)) return true;
    const provide = propValue(n, 'provide');
    const use = propValue(n, 'useClass');
    if (provide && use && ts.isIdentifier(provide) && ts.isIdentifier(use)) {
      if (provide.text === 'APP_FILTER') out.nestGlobalFilters.push(use.text);
      if (provide.text === 'APP_INTERCEPTOR') out.nestGlobalInterceptors.push(use.text);
    }
    return true;
  });
  for (const cls of classNodes) nestClass(cls, ctx, out);
  return out;
}

/**
 * Express error middleware `(err, req, res, next)` and Koa error middleware `async (ctx, next) =>
 * { try { await next() } catch (err) {...} }`, by their shape.
 */
function middleware(fn: FunctionNode, ctx: FileContext, out: ErrorHandlerFileFacts): void {
  const names = fn.parameters.map((p) => idText(p.name) ?? '');
  if (
    names.length === 4 &&
    /^(err|error|e|ex|exception|_err|_error)$/i.test(names[0]) &&
    /^_?(res|response|reply)$/i.test(names[2])
  ) {
    const owner = ownerOf(fn, ctx);
    out.handlers.push({
      kind: 'express-middleware',
      span: ctx.span(fn),
      label: 'error middleware',
      ...(owner ? { owner } : {}),
      auth: judge(fn.body, names[0], 'auth', ctx),
      plain: judge(fn.body, names[0], 'plain', ctx),
    });
    return;
  }
  const tryStmt =
    names.length === 2 && /^(ctx|context|c)$/.test(names[0]) ? koaErrorTry(fn) : undefined;
  if (tryStmt?.catchClause) {
    const err = idText(tryStmt.catchClause.variableDeclaration?.name);
    const owner = ownerOf(fn, ctx);
    out.handlers.push({
      kind: 'koa-middleware',
      span: ctx.span(fn),
      label: 'error middleware',
      ...(owner ? { owner } : {}),
      auth: judge(tryStmt.catchClause.block, err, 'auth', ctx),
      plain: judge(tryStmt.catchClause.block, err, 'plain', ctx),
    });
  }
}

function nestClass(
  cls: ts.ClassLikeDeclaration,
  ctx: FileContext,
  out: ErrorHandlerFileFacts,
): void {
  const name = cls.name?.text;
  if (!name) return;
  const decorators = (node: ts.Node) =>
    ((ts.canHaveDecorators(node) && ts.getDecorators(node)) || []).map((d) => d.expression);
  const scoped: string[] = [];
  const collect = (node: ts.Node) => {
    for (const d of decorators(node))
      if (ts.isCallExpression(d) && calleeName(d) === 'UseFilters')
        scoped.push(...d.arguments.map(className).filter((n): n is string => !!n));
  };
  collect(cls);
  for (const m of cls.members) collect(m);
  if (scoped.length > 0) out.nestScopedFilters[name] = scoped;
  const catchDecorator = decorators(cls).find(
    (d): d is ts.CallExpression => ts.isCallExpression(d) && calleeName(d) === 'Catch',
  );
  const method = (n: string) =>
    cls.members.find(
      (m): m is ts.MethodDeclaration =>
        ts.isMethodDeclaration(m) && !!m.body && m.name.getText(ctx.sf) === n,
    );
  const catchMethod = method('catch');
  if (catchMethod && (catchDecorator || /ExceptionFilter/.test(cls.getText(ctx.sf).slice(0, 300))))
    out.handlers.push({
      kind: 'nest-filter',
      span: ctx.span(catchMethod),
      label: `${name}.catch`,
      className: name,
      catches: catchDecorator ? catchDecorator.arguments.map((a) => unwrap(a).getText(ctx.sf)) : [],
      auth: judge(catchMethod.body, paramName(catchMethod, 0), 'auth', ctx),
      plain: judge(catchMethod.body, paramName(catchMethod, 0), 'plain', ctx),
    });
  const intercept = method('intercept');
  if (intercept?.body) {
    // `catchError((err) => { ... })` inside intercept(): the interceptor handles the error
    walk(intercept.body, (n) => {
      if (ts.isCallExpression(n) && calleeName(n) === 'catchError') {
        const fn = n.arguments[0] && functionArg(n.arguments[0], ctx);
        if (fn)
          out.handlers.push({
            kind: 'nest-interceptor',
            span: ctx.span(fn),
            label: `${name}.intercept`,
            className: name,
            auth: judge(fn.body, paramName(fn, 0), 'auth', ctx),
            plain: judge(fn.body, paramName(fn, 0), 'plain', ctx),
          });
        return false;
      }
      return true;
    });
  }
}

/**
 * Judges a handler body for an error of `kind`: the monitoring calls on the way that error takes.
 * A branch on a server status (`status >= 500`) is not taken by a 4xx error; a branch on an auth
 * error (`err.name === 'UnauthorizedError'`, `status === 401`) is, and what follows a branch that
 * exits is then not reached. Other branches may be taken: their calls count.
 */
export function judge(
  body: Node | undefined,
  errorName: string | undefined,
  kind: 'auth' | 'plain',
  ctx: FileContext,
  depth = 0,
): ErrorJudgement {
  const out: ErrorJudgement = { logs: false, calls: [], passes: false };
  if (!body) return out;
  const reached = (n: Node): boolean => kind === 'plain' || reachedByAuthError(n, body, ctx.sf);
  walk(body, (n) => {
    if (n !== body && isFunctionLike(n) && !isInlineCallback(n)) return false;
    if (ts.isThrowStatement(n) && reached(n)) out.passes = true;
    if (!ts.isCallExpression(n)) return true;
    if (!reached(n)) return true;
    const callee = unwrap(n.expression);
    if (
      ts.isIdentifier(callee) &&
      /^(next|done|cb)$/.test(callee.text) &&
      n.arguments.length > 0 &&
      (!errorName || n.arguments.some((a) => mentions(a, errorName)))
    ) {
      out.passes = true;
      return true;
    }
    if (isKoaThrow(n)) {
      out.passes = true;
      return true;
    }
    // ctx.app.emit('error', err, ctx): on to the app's 'error' listeners
    if (memberName(callee) === 'emit' && staticText(n.arguments[0]) === 'error') {
      out.passes = true;
      return true;
    }
    // super.catch(exception, host): NestJS's BaseExceptionFilter
    if (
      ts.isPropertyAccessExpression(callee) &&
      callee.expression.kind === ts.SyntaxKind.SuperKeyword
    ) {
      out.passes = true;
      return true;
    }
    let ev: ReturnType<typeof monitoringEvidence>;
    try {
      ev = monitoringEvidence(n, ctx.resolver, ctx.monitoring, ctx.sf);
    } catch {
      ev = undefined;
    }
    if (ev && ev.kind !== 'propagate') out.logs = true;
    else if (!ev) {
      // a helper of this file (`this.buildResponse(status)`): judged inline, with its branches
      const helper = depth < 3 ? sameFileHelper(n, ctx) : undefined;
      if (helper) {
        const inner = judge(helper.body, undefined, kind, ctx, depth + 1);
        out.logs ||= inner.logs;
        out.passes ||= inner.passes;
        out.calls.push(...inner.calls);
        return true;
      }
      const t = callTarget(n, ctx.resolver, ctx.fnId);
      if (t) out.calls.push(t);
    }
    return true;
  });
  return out;
}

/** A function of this file the call lands on: a local function, or `this.method()` of the class. */
function sameFileHelper(call: ts.CallExpression, ctx: FileContext): FunctionNode | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) {
    const v = ctx.resolver.evaluate(callee);
    return v.kind === 'function' && v.node.body ? v.node : undefined;
  }
  if (
    !ts.isPropertyAccessExpression(callee) ||
    callee.expression.kind !== ts.SyntaxKind.ThisKeyword
  )
    return undefined;
  let cls: Node | undefined = call.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls) return undefined;
  const name = callee.name.text;
  return (cls as ts.ClassLikeDeclaration).members.find(
    (m): m is ts.MethodDeclaration =>
      ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && m.name.text === name,
  );
}

/** `arr.forEach(...)`, `.then(...)` callbacks inside a handler run as part of it. */
function isInlineCallback(fn: FunctionNode): boolean {
  const p = fn.parent;
  return (
    !!p && ts.isCallExpression(p) && /^(forEach|map|then|catchError)$/.test(calleeName(p) ?? '')
  );
}

/** Is `n` on the way a 4xx error takes through `body`? */
function reachedByAuthError(n: Node, body: Node, sf: ts.SourceFile): boolean {
  let child: Node = n;
  for (let p = n.parent; p && child !== body; child = p, p = p.parent) {
    if (ts.isIfStatement(p) && child !== p.expression) {
      const t = authTest(p.expression, sf);
      if (child === p.thenStatement ? t === 'no' : t === 'yes') return false;
    }
    if (ts.isConditionalExpression(p) && child !== p.condition) {
      const t = authTest(p.condition, sf);
      if (child === p.whenTrue ? t === 'no' : t === 'yes') return false;
    }
    if (
      ts.isBinaryExpression(p) &&
      p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      child === p.right &&
      authTest(p.left, sf) === 'no'
    )
      return false;
    if (ts.isBlock(p) || ts.isSourceFile(p)) {
      // an earlier `if (<auth error>) { ...; return }` answers the 4xx error before this
      for (const st of p.statements) {
        if (st === child) break;
        if (
          ts.isIfStatement(st) &&
          authTest(st.expression, sf) === 'yes' &&
          endsWithExit(asList(st.thenStatement))
        )
          return false;
      }
    }
  }
  return true;
}

/** A switch that turns logging on (`enableGlobalErrorLogging`, `verboseErrors`): off by default. */
const LOG_TOGGLE = /^(enable|is|should|log)\w*(Log|Logging|Verbose|Debug)\w*$|^(verbose|debug)\w*$/;

/**
 * Does a 4xx error satisfy a condition? `yes`, `no`, or `maybe` (a condition on anything else).
 * A server-status test is `no`; so is a development-only or opt-in logging switch.
 */
function authTest(e: ts.Expression, sf: ts.SourceFile): 'yes' | 'no' | 'maybe' {
  const u = unwrap(e);
  if (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = authTest(u.operand, sf);
    return inner === 'yes' ? 'no' : inner === 'no' ? 'yes' : 'maybe';
  }
  if (ts.isBinaryExpression(u)) {
    const op = u.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken) {
      const a = authTest(u.left, sf);
      const b = authTest(u.right, sf);
      if (op === ts.SyntaxKind.BarBarToken)
        return a === 'yes' || b === 'yes' ? 'yes' : a === 'no' && b === 'no' ? 'no' : 'maybe';
      return a === 'no' || b === 'no' ? 'no' : a === 'yes' && b === 'yes' ? 'yes' : 'maybe';
    }
  }
  const text = u.getText(sf);
  if (/!==?\s*(500\b|[\w.]*INTERNAL_SERVER_ERROR)/.test(text)) return 'yes';
  if (/===?\s*[\w.]*INTERNAL_SERVER_ERROR/.test(text)) return 'no';
  if (SERVER_TEST.test(text)) return 'no';
  if (/===?\s*['"]development['"]|['"]development['"]\s*===?/.test(text)) return 'no';
  const name = ts.isIdentifier(u) ? u.text : ts.isPropertyAccessExpression(u) ? u.name.text : '';
  if (name && LOG_TOGGLE.test(name)) return 'no';
  // `err.status && ...`: a 4xx error has a status
  if (/^(status|statusCode|expose)$/.test(name)) return 'yes';
  if (AUTH_TEST.test(text)) return 'yes';
  return 'maybe';
}

function mentions(node: Node, name: string): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (ts.isIdentifier(n) && n.text === name) found = true;
    return !found;
  });
  return found;
}

/** Koa error middleware: `async (ctx, next) => { try { await next() } catch (err) {...} }`. */
function koaErrorTry(fn: FunctionNode): ts.TryStatement | undefined {
  if (fn.parameters.length !== 2 || !fn.body || !ts.isBlock(fn.body)) return undefined;
  let found: ts.TryStatement | undefined;
  walk(fn.body, (n) => {
    if (found || (n !== fn.body && isFunctionLike(n))) return false;
    if (ts.isTryStatement(n)) {
      let callsNext = false;
      walk(n.tryBlock, (m) => {
        if (ts.isCallExpression(m) && calleeName(m) === 'next' && m.arguments.length === 0)
          callsNext = true;
        return !callsNext;
      });
      if (callsNext) found = n;
      return false;
    }
    return true;
  });
  return found;
}

function functionArg(arg: ts.Expression | undefined, ctx: FileContext): FunctionNode | undefined {
  if (!arg) return undefined;
  const a = unwrap(arg);
  if (isFunctionLike(a)) return a;
  if (ts.isIdentifier(a)) {
    const v = ctx.resolver.evaluate(a);
    if (v.kind === 'function') return v.node;
  }
  return undefined;
}

function paramName(fn: FunctionNode, i: number): string | undefined {
  return idText(fn.parameters[i]?.name);
}

function idText(name: ts.BindingName | undefined): string | undefined {
  return name && ts.isIdentifier(name) ? name.text : undefined;
}

function staticText(e: ts.Expression | undefined): string | undefined {
  const u = e && unwrap(e);
  return u && ts.isStringLiteralLike(u) ? u.text : undefined;
}

/** `new HttpExceptionFilter()`, `HttpExceptionFilter`, `app.get(AllExceptionsFilter)`. */
function className(e: ts.Expression): string | undefined {
  const u = unwrap(e);
  if (ts.isNewExpression(u) && ts.isIdentifier(unwrap(u.expression)))
    return (unwrap(u.expression) as ts.Identifier).text;
  if (ts.isIdentifier(u)) return u.text;
  if (ts.isCallExpression(u) && u.arguments[0]) return className(u.arguments[0]);
  // getErrorInterceptor(): a factory whose class the scan does not see
  if (ts.isCallExpression(u)) return `${u.expression.getText()}()`;
  return undefined;
}

function propValue(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties)
    if (ts.isPropertyAssignment(p) && p.name.getText() === name) return unwrap(p.initializer);
  return undefined;
}

/** `Fastify({...})`, `fastify()`, `require('fastify')({...})`. */
function isFastifyFactory(call: ts.CallExpression, ctx: FileContext): boolean {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) {
    const v = ctx.resolver.evaluate(callee);
    return v.kind === 'module' && v.source === 'fastify' && v.path.every((p) => p === 'default');
  }
  if (ts.isCallExpression(callee)) {
    const inner = unwrap(callee.expression);
    return (
      ts.isIdentifier(inner) &&
      inner.text === 'require' &&
      staticText(callee.arguments[0]) === 'fastify'
    );
  }
  return false;
}

/** `{ logger: true | {...} | pino() }` or `{ loggerInstance }`, without `disableRequestLogging`. */
function hasLogger(opts: ts.Expression | undefined): boolean {
  const o = opts && unwrap(opts);
  if (!o || !ts.isObjectLiteralExpression(o)) return false;
  let logger = false;
  let disabled = false;
  for (const p of o.properties) {
    const n = p.name && ts.isIdentifier(p.name) ? p.name.text : p.name?.getText();
    const v = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
    if (n === 'logger' || n === 'loggerInstance')
      logger = !v || v.kind !== ts.SyntaxKind.FalseKeyword;
    if (n === 'disableRequestLogging') disabled = !v || v.kind !== ts.SyntaxKind.FalseKeyword;
  }
  return logger && !disabled;
}

const HTTP_ERROR_NAME =
  /Unauthori[sz]ed|Forbidden|HttpException|HTTPException|HttpError|BadRequest|NotFound|Conflict|ApiError|AppError|AuthError|AuthenticationError|ClientError|createError|httpErrors|Boom|TooManyRequests|Exception$/;

/**
 * Is a thrown or forwarded value an HTTP 4xx error (`new UnauthorizedException()`, `createError(
 * 401)`, `new ApiError(401, ...)`, `{ status: 401 }`)? Anything else ends as a 500.
 */
export function isHttpErrorValue(expr: ts.Expression | undefined, sf: ts.SourceFile): boolean {
  const e = expr && unwrap(expr);
  if (!e) return false;
  if (ts.isNewExpression(e) || ts.isCallExpression(e)) {
    const name = e.expression.getText(sf);
    if (HTTP_ERROR_NAME.test(name)) return true;
    return (e.arguments ?? []).some(
      (a) => /^4\d\d$/.test(unwrap(a).getText(sf)) || isHttpErrorValue(a, sf),
    );
  }
  if (ts.isObjectLiteralExpression(e))
    return /\b(status|statusCode|code)\s*:\s*4\d\d\b/.test(e.getText(sf));
  return false;
}

/**
 * A rejecting statement that throws or forwards its error (`throw new UnauthorizedException()`,
 * `ctx.throw(401)`, `next(createError(401))`, `NcError.unauthorized()`): what kind of error
 * leaves the function. A `throw` inside a local `try` lands in that `catch` instead: judged
 * there (`caught`).
 */
export function rejectionPropagation(
  stmt: ts.Statement,
  ctx: FileContext,
): { propagates?: 'auth' | 'plain' | 'passport'; caught?: ErrorJudgement } {
  let kind: 'auth' | 'plain' | undefined;
  let passport = false;
  walk(stmt, (n) => {
    if (kind || (n !== stmt && isFunctionLike(n))) return false;
    if (ts.isThrowStatement(n)) kind = isHttpErrorValue(n.expression, ctx.sf) ? 'auth' : 'plain';
    else if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      if (isKoaThrow(n) || /^(ctx|context)\.assert$/.test(callee.getText(ctx.sf))) kind = 'auth';
      else if (ts.isIdentifier(callee) && callee.text === 'next' && n.arguments.length > 0)
        kind = isHttpErrorValue(n.arguments[0], ctx.sf) ? 'auth' : 'plain';
      else if (isSensibleReply(callee)) kind = 'auth';
      else if (
        ts.isIdentifier(callee) &&
        /^(done|cb|callback|verified)$/.test(callee.text) &&
        n.arguments.length >= 2 &&
        unwrap(n.arguments[0]).kind === ts.SyntaxKind.NullKeyword &&
        unwrap(n.arguments[1]).kind === ts.SyntaxKind.FalseKeyword
      )
        passport = true;
    }
    return !kind && !passport;
  });
  // passport's done(null, false, info): passport answers it (error-flow.ts judges how)
  if (passport) return { propagates: 'passport' };
  if (!kind && isThrowingHelper(stmt)) kind = 'auth';
  if (!kind) return {};
  // a throw in the try block of this function's own try/catch lands in that catch
  let child: Node = stmt;
  for (let p = stmt.parent; p && !isFunctionLike(p); child = p, p = p.parent) {
    if (ts.isTryStatement(p) && p.tryBlock === child && p.catchClause) {
      const err = idText(p.catchClause.variableDeclaration?.name);
      return { caught: judge(p.catchClause.block, err, kind, ctx) };
    }
  }
  return { propagates: kind };
}

function isThrowingHelper(stmt: ts.Statement): boolean {
  if (!ts.isExpressionStatement(stmt)) return false;
  const e = unwrap(stmt.expression);
  const call = ts.isAwaitExpression(e) ? unwrap(e.expression) : e;
  if (!ts.isCallExpression(call)) return false;
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return /^(throw|raise)[A-Z]/.test(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const recv = ts.isIdentifier(callee.expression) ? callee.expression.text : '';
  return /(Error|Errors|Exception|Exceptions)$/.test(recv) && /^[A-Z]/.test(recv);
}

/**
 * The app a function or middleware is registered on, as written: `app` in `app.use(fn)`,
 * `app.onError(fn)`, `app.use(jwt({...}).unless(...))`.
 */
export function ownerOf(node: Node, ctx: FileContext): string | undefined {
  let cur: Node = node;
  for (let p = cur.parent; p; cur = p, p = p.parent) {
    if (ts.isPropertyAccessExpression(p) && p.expression === cur) continue;
    if (ts.isCallExpression(p) && p.expression === cur) continue;
    if (ts.isParenthesizedExpression(p)) continue;
    if (ts.isCallExpression(p) && p.arguments.some((a) => a === cur)) {
      const callee = unwrap(p.expression);
      if (
        ts.isPropertyAccessExpression(callee) &&
        /^(use|onError|setErrorHandler|on|addHook)$/.test(callee.name.text)
      )
        return unwrap(callee.expression).getText(ctx.sf);
    }
    return undefined;
  }
  return undefined;
}

/**
 * @fastify/sensible's `reply.unauthorized()`, `reply.notFound()`, `reply.badRequest()`: they send an
 * HTTP error through the instance's error handler, like a throw.
 */
const SENSIBLE_REPLIES =
  /^(badRequest|unauthorized|forbidden|notFound|conflict|gone|unprocessableEntity|tooManyRequests|preconditionFailed|paymentRequired|notAcceptable|getHttpError)$/;

function isSensibleReply(callee: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    SENSIBLE_REPLIES.test(callee.name.text) &&
    ts.isIdentifier(callee.expression) &&
    /^(reply|rep|res)$/.test(callee.expression.text)
  );
}
