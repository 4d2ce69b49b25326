/** Login strategies: where a username/password login fails outside a route handler. */
import { ts, unwrap, isFunctionLike } from '../ast.js';
import type { FileContext } from '../context.js';
import { modulePath } from '../values.js';
import type { RouteFileFacts } from './types.js';

/**
 * passport-local's verify callback is where a username/password login fails:
 * `passport.use(new LocalStrategy(async (username, password, done) => ...))`, or NestJS's
 * `class LocalStrategy extends PassportStrategy(Strategy) { validate(...) }`.
 */
export function loginStrategies(
  sf: ts.SourceFile,
  ctx: FileContext,
): RouteFileFacts['loginStrategies'] {
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
