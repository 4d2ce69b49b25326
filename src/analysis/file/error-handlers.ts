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
  isTypeOnly,
  mayEscapeNames,
  calleeName,
  SK,
  type FunctionNode,
  type Node,
  NO_TOKENS,
} from './ast.js';
import type {
  ErrorHandlerFileFacts,
  ErrorHandlerKind,
  ErrorJudgement,
} from './error-handler-types.js';
import type { FileContext } from './context.js';
import { isKoaThrow, isSensibleReply } from './responses.js';
import { judge } from './error-judgement.js';

export function extractErrorHandlers(
  ctx: FileContext,
  callNodes: readonly ts.CallExpression[],
  classNodes: readonly ts.ClassLikeDeclaration[],
  /** Every function of the file (the fact walk's), in any order. */
  functions: readonly FunctionNode[],
): ErrorHandlerFileFacts {
  const out: ErrorHandlerFileFacts = {
    handlers: [],
    fastifyLoggers: [],
    nestGlobalFilters: [],
    nestGlobalInterceptors: [],
    nestScopedFilters: {},
  };
  const text = ctx.sf.text;
  // the plain substring first: a scan for it is several times cheaper than the regex's
  if (text.includes('@nestjs/') && NEST_IMPORT.test(text)) out.nest = true;
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
  // every call of the file: kind compares, not ts.isX (see SK), and no closure per call
  for (const call of callNodes) {
    const callee = unwrap(call.expression);
    const method =
      callee.kind === SK.PropertyAccessExpression
        ? (callee as ts.PropertyAccessExpression).name.text
        : undefined;
    if (method === 'on' && staticText(call.arguments[0]) === 'error') {
      const fn = functionArg(call.arguments[1], ctx);
      if (fn && /\bkoa\b/.test(text)) add('koa-listener', fn, "app.on('error')", 0);
    } else if (method === 'setErrorHandler') {
      const fn = functionArg(call.arguments[0], ctx);
      if (fn) add('fastify-handler', fn, 'setErrorHandler', 0);
    } else if (method === 'onError') {
      const fn = functionArg(call.arguments[0], ctx);
      if (fn) add('hono-handler', fn, 'app.onError', 0);
    } else if (method === 'useGlobalFilters' || method === 'useGlobalInterceptors') {
      const names = call.arguments.map(className).filter((n): n is string => !!n);
      if (method === 'useGlobalFilters') out.nestGlobalFilters.push(...names);
      else out.nestGlobalInterceptors.push(...names);
    } else if (method === undefined && isFastifyFactory(call, ctx)) {
      // (a method call is no factory: isFastifyFactory wants `fastify()` or `require(...)()`)
      out.fastifyLoggers.push(hasLogger(call.arguments[0]));
    }
  }
  // Error middleware wherever it is declared (it is usually registered from another file:
  // `app.use(errorHandler)`), in source order: the file's functions, as the fact walk met them.
  for (const fn of [...functions].sort((a, b) => a.pos - b.pos || b.end - a.end))
    middleware(fn, ctx, out);
  // { provide: APP_FILTER, useClass: X }: only a file spelling one of the two names can hold it
  // (or an escape spelling it). Types hold no object literal (isTypeOnly): not walked.
  if (text.includes('APP_FILTER') || text.includes('APP_INTERCEPTOR') || mayEscapeNames(text))
    walk(
      ctx.sf,
      (n) => {
        if (isTypeOnly(n)) return false;
        if (n.kind !== SK.ObjectLiteralExpression) return true;
        const provide = propValue(n as ts.ObjectLiteralExpression, 'provide');
        const use = provide && propValue(n as ts.ObjectLiteralExpression, 'useClass');
        if (provide && use && ts.isIdentifier(provide) && ts.isIdentifier(use)) {
          if (provide.text === 'APP_FILTER') out.nestGlobalFilters.push(use.text);
          if (provide.text === 'APP_INTERCEPTOR') out.nestGlobalInterceptors.push(use.text);
        }
        return true;
      },
      NO_TOKENS,
    );
  for (const cls of classNodes) nestClass(cls, ctx, out);
  return out;
}

/**
 * Express error middleware `(err, req, res, next)` and Koa error middleware `async (ctx, next) =>
 * { try { await next() } catch (err) {...} }`, by their shape.
 */
function middleware(fn: FunctionNode, ctx: FileContext, out: ErrorHandlerFileFacts): void {
  // both shapes below have 4 or 2 parameters: most functions are done here
  if (fn.parameters.length !== 4 && fn.parameters.length !== 2) return;
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

/**
 * The value of `name: value` in an object literal, the key as written. Only an identifier key can
 * be written as `name`, with `text` equal to it: checked first, so the source text (and the walk
 * up to the file `getText()` without one does) is read only for a likely match.
 */
function propValue(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties)
    if (
      p.kind === SK.PropertyAssignment &&
      p.name.kind === SK.Identifier &&
      // escapedText, not the `text` getter: the same for names not starting with `__`
      p.name.escapedText === name &&
      p.name.getText() === name
    )
      return unwrap(p.initializer);
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

const NEST_IMPORT = /from\s+['"]@nestjs\/|require\(['"]@nestjs\//;

const HTTP_ERROR_NAME = new RegExp(
  [
    'Unauthori[sz]ed|Forbidden|HttpException|HTTPException|HttpError',
    'BadRequest|NotFound|Conflict|ApiError|AppError|AuthError',
    'AuthenticationError|ClientError|createError|httpErrors|Boom',
    'TooManyRequests|Exception$',
  ].join('|'),
);

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
