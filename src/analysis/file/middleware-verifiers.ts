/**
 * Middleware that verifies for you (SPEC `silent-verify-failure`): express-jwt's `expressjwt(...)`,
 * koa-jwt, hono's `jwt()`, passport-jwt strategies (`new JwtStrategy(opts, cb)`, NestJS
 * `class X extends PassportStrategy(Strategy)`), and the `passport.authenticate('jwt', ...)`
 * calls whose custom callback decides what a failure leaves behind.
 */
import {
  ts,
  unwrap,
  walk,
  isFunctionLike,
  staticString,
  normalisedText,
  calleeName,
  type FunctionNode,
} from './ast.js';
import { modulePath } from './values.js';
import type { FileContext } from './context.js';
import type { ErrorHandlerFileFacts, ErrorJudgement } from './error-handler-types.js';
import { ownerOf } from './error-handlers.js';
import { judge } from './error-judgement.js';
import { property } from './routes/syntax.js';

const JWT_MIDDLEWARE = /express-jwt|koa-jwt|hono\/jwt/;

/**
 * Does the text spell `express-jwt`, `koa-jwt`, `hono/jwt`, `passport` (`passport-jwt` among
 * them) or `AuthGuard`? The same as one regex of the six, several times cheaper: substring scans
 * stop at each occurrence of their first character, so the rare `jwt` and `Guard` go first.
 */
function mayUseVerifyingMiddleware(text: string): boolean {
  return (
    (text.includes('jwt') && JWT_MIDDLEWARE.test(text)) ||
    text.includes('passport') ||
    (text.includes('Guard') && text.includes('AuthGuard'))
  );
}

export function extractMiddlewareVerifiers(
  ctx: FileContext,
  callNodes: readonly ts.CallExpression[],
  classNodes: readonly ts.ClassLikeDeclaration[],
  out: ErrorHandlerFileFacts,
): void {
  const text = ctx.sf.text;
  if (text.includes('jwtOriginalError')) {
    const readers = new Set<string>();
    walk(ctx.sf, (n) => {
      if (ts.isIdentifier(n) && n.text === 'jwtOriginalError') {
        let fn: ts.Node | undefined = n.parent;
        while (fn && !isFunctionLike(fn)) fn = fn.parent;
        readers.add((fn && ownerOf(fn, ctx)) ?? '*');
      }
      return true;
    });
    if (readers.size > 0) out.readsOriginalError = [...readers];
  }
  if (!mayUseVerifyingMiddleware(text)) return;
  const verifiers: NonNullable<ErrorHandlerFileFacts['verifiers']> = [];
  const passportJwt: NonNullable<ErrorHandlerFileFacts['passportJwt']> = [];
  const passportLocal: NonNullable<ErrorHandlerFileFacts['passportLocal']> = [];
  const scope = (n: ts.Node) => {
    for (let p = n.parent; p; p = p.parent)
      if (isFunctionLike(p)) return (p as FunctionNode).name?.getText(ctx.sf) ?? '<anonymous>';
    return '<module>';
  };
  const authGuards: NonNullable<ErrorHandlerFileFacts['authGuards']> = [];
  for (const call of callNodes) {
    // @UseGuards(AuthGuard('jwt'))
    if (calleeName(call) === 'AuthGuard' && !ts.isHeritageClause(call.parent?.parent ?? call)) {
      const name = staticString(call.arguments[0]);
      if (name) authGuards.push({ name });
    }
    const m = modulePath(ctx.resolver.evaluate(call.expression));
    if (!m) continue;
    const library =
      m.source === 'express-jwt'
        ? 'express-jwt'
        : m.source === 'koa-jwt'
          ? 'koa-jwt'
          : m.source === 'hono/jwt' && m.path.join('.') === 'jwt'
            ? 'hono/jwt'
            : undefined;
    if (library) {
      const opts = call.arguments[0] && unwrap(call.arguments[0]);
      const pass =
        library === 'koa-jwt' && opts && ts.isObjectLiteralExpression(opts)
          ? property(opts, 'passthrough')
          : undefined;
      verifiers.push({
        library,
        span: ctx.span(call),
        label: call.expression.getText(ctx.sf),
        scope: scope(call),
        code: normalisedText(call, ctx.sf),
        ...(pass && unwrap(pass).kind === ts.SyntaxKind.TrueKeyword ? { passthrough: true } : {}),
        ...(ownerOf(call, ctx) ? { owner: ownerOf(call, ctx) } : {}),
      });
      continue;
    }
    if (m.source === 'passport' && m.path[m.path.length - 1] === 'authenticate') {
      const strategy = staticString(call.arguments[0]);
      if (!strategy) continue;
      const jwtStrategy = /jwt/i.test(strategy);
      if (!jwtStrategy && !/local|password|login/i.test(strategy)) continue;
      const opts = call.arguments[1] && unwrap(call.arguments[1]);
      const cbArg = call.arguments.find((a) => isFunctionLike(unwrap(a)));
      const cb = cbArg && (unwrap(cbArg) as FunctionNode);
      const failWithError =
        !!opts && ts.isObjectLiteralExpression(opts) && !!property(opts, 'failWithError');
      (jwtStrategy ? passportJwt : passportLocal).push({
        span: ctx.span(call),
        ...(cb ? { callback: failedLogin(cb, ctx) } : {}),
        ...(failWithError ? { failWithError } : {}),
      });
    }
  }
  // new JwtStrategy(opts, verify): passport-jwt's Strategy
  walk(ctx.sf, (n) => {
    if (ts.isNewExpression(n)) {
      const m = modulePath(ctx.resolver.evaluate(n.expression));
      if (m?.source === 'passport-jwt' && m.path[m.path.length - 1] === 'Strategy')
        verifiers.push({
          library: 'passport-jwt',
          span: ctx.span(n),
          label: `new ${n.expression.getText(ctx.sf)}`,
          scope: scope(n),
          code: normalisedText(n, ctx.sf),
        });
    }
    return true;
  });
  // class JwtStrategy extends PassportStrategy(Strategy, 'jwt')
  for (const cls of classNodes) {
    const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
      ?.types[0]?.expression;
    const b = base && unwrap(base);
    if (!b || !ts.isCallExpression(b) || !b.arguments[0]) continue;
    if (calleeName(b) === 'AuthGuard') {
      // class JwtAuthGuard extends AuthGuard('jwt') { handleRequest(err, user, info) {...} }
      const handle = cls.members.find(
        (m): m is ts.MethodDeclaration =>
          ts.isMethodDeclaration(m) && !!m.body && m.name.getText(ctx.sf) === 'handleRequest',
      );
      const errName = handle?.parameters[0]?.name;
      // `AuthGuard(strategy)` in a mixin: which strategy is not known here
      const guarded = b.arguments[0] ? staticString(b.arguments[0]) : 'jwt';
      if (!guarded) continue;
      authGuards.push({
        name: guarded,
        ...(handle
          ? {
              handle: judge(
                handle.body,
                errName && ts.isIdentifier(errName) ? errName.text : undefined,
                'plain',
                ctx,
              ),
            }
          : {}),
      });
      continue;
    }
    const strategy = modulePath(ctx.resolver.evaluate(b.arguments[0]));
    if (strategy?.source !== 'passport-jwt') continue;
    const name = cls.name?.text ?? '<anonymous>';
    verifiers.push({
      library: 'passport-jwt',
      span: ctx.span(cls.name ?? b),
      label: name,
      scope: name,
      code: normalisedText(b, ctx.sf),
      nestClass: name,
      strategyName: staticString(b.arguments[1]) ?? 'jwt',
    });
  }
  if (verifiers.length > 0) out.verifiers = verifiers;
  if (passportJwt.length > 0) out.passportJwt = passportJwt;
  if (passportLocal.length > 0) out.passportLocal = passportLocal;
  if (authGuards.length > 0) out.authGuards = authGuards;
}

/**
 * What a custom `authenticate()` callback `(err, user, info) => {...}` does when no user came
 * back: the `if (!user)` branch (an `if (err) return next(err)` is another failure).
 */
function failedLogin(cb: FunctionNode, ctx: FileContext): ErrorJudgement {
  const userParam = cb.parameters[1]?.name;
  const user = userParam && ts.isIdentifier(userParam) ? userParam.text : undefined;
  let branch: ts.Node | undefined;
  if (user && cb.body)
    walk(cb.body, (n) => {
      if (branch || (n !== cb.body && isFunctionLike(n))) return false;
      if (ts.isIfStatement(n)) {
        const t = unwrap(n.expression);
        if (
          ts.isPrefixUnaryExpression(t) &&
          t.operator === ts.SyntaxKind.ExclamationToken &&
          ts.isIdentifier(unwrap(t.operand)) &&
          (unwrap(t.operand) as ts.Identifier).text === user
        )
          branch = n.thenStatement;
      }
      return !branch;
    });
  const j = judge(branch ?? cb.body, undefined, 'plain', ctx);
  // `next(err)` on the error branch is not what happens to bad credentials
  return branch ? j : { ...j, passes: false };
}
