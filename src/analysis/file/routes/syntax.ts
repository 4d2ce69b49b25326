/**
 * Readers of route-registration arguments shared by the framework adapters: paths, option
 * objects, method lists, conditions, wrapped handlers, tables of routes registered in a loop.
 */
import { ts, unwrap, staticString, memberName, isFunctionLike, SK } from '../ast.js';
import { modulePath, type Resolver } from '../values.js';
import { limiterLabel } from '../../libraries/limiters.js';

export type Substitute = (expr: ts.Expression) => ts.Expression;

/**
 * A registration inside a loop over a literal table of routes (`[{ path: '/auth', route: authRoute
 * }]` with `.forEach`, `.map` or `for...of`): one substitution per element, replacing `r.path` /
 * destructured `path` by the element's value. Outside such a loop: the identity.
 */
export function loopVariants(call: ts.Node, resolver: Resolver): Substitute[] {
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
export function isVerificationMiddleware(e: ts.Expression, resolver: Resolver): boolean {
  if (!ts.isCallExpression(e)) return false;
  const m = modulePath(resolver.evaluate(e.expression));
  if (!m) return false;
  if (
    m.source === 'express-jwt' ||
    // koa-jwt with `passthrough: true` lets a request without a valid token through
    (m.source === 'koa-jwt' && !passesThrough(e.arguments[0])) ||
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

/**
 * `passport.authenticate('local')`, `passport.authenticate('google', {...})`: the sign-in strategy
 * a route runs (not one verifying a token the caller already holds).
 */
export function credentialStrategy(e: ts.Expression, resolver: Resolver): string | undefined {
  if (!ts.isCallExpression(e)) return undefined;
  const m = modulePath(resolver.evaluate(e.expression));
  if (m?.source !== 'passport' || m.path[m.path.length - 1] !== 'authenticate') return undefined;
  const strategy = staticString(e.arguments[0]);
  return strategy && !/jwt|bearer|anonymous/i.test(strategy) ? strategy : undefined;
}

/**
 * Strategies that check a secret the caller presents (a password, a one-time code, a refresh
 * token); the others (`google`, `github`, `oidc`, `saml`) hand the sign-in to an identity
 * provider.
 */
export const SECRET_STRATEGY = new RegExp(
  [
    'local|ldap|basic|digest|otp|totp|magic|passwordless|webauthn|refresh',
    'hash|api.?key|custom|password|credential',
  ].join('|'),
  'i',
);

function passesThrough(arg: ts.Expression | undefined): boolean {
  const o = arg && unwrap(arg);
  const v = o && ts.isObjectLiteralExpression(o) ? property(o, 'passthrough') : undefined;
  return !!v && unwrap(v).kind === ts.SyntaxKind.TrueKeyword;
}

export function wrap(id: number | undefined): { app: number } | undefined {
  return id === undefined ? undefined : { app: id };
}

export function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
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

export function optionString(arg: ts.Expression | undefined, name: string): string | undefined {
  const o = arg && unwrap(arg);
  return o && ts.isObjectLiteralExpression(o) ? staticString(property(o, name)) : undefined;
}

export function methodList(expr: ts.Expression | undefined): string[] {
  if (!expr) return ['ALL'];
  const e = unwrap(expr);
  if (ts.isArrayLiteralExpression(e))
    return e.elements.map((el) => (staticString(el) ?? 'ALL').toUpperCase());
  return [(staticString(e) ?? 'ALL').toUpperCase()];
}

/**
 * A first argument that is a path: a string, a template, an array of strings, a regular expression.
 */
export function isPathLike(expr: ts.Expression): boolean {
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

export function pathValues(expr: ts.Expression): Array<string | undefined> {
  const e = unwrap(expr);
  if (ts.isArrayLiteralExpression(e)) return e.elements.map((el) => staticString(el));
  return [staticString(e)];
}

export function pathArg(expr: ts.Expression | undefined): { given: boolean; value?: string } {
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

export function isConditional(node: ts.Node): boolean {
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

export function isFunctionValued(e: ts.Expression, resolver: Resolver): boolean {
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return false;
  const v = resolver.evaluate(e);
  return v.kind === 'function' || (v.kind === 'module' && resolver.specifiers.has(v.source));
}

export function calleeText(call: ts.CallExpression): string {
  return memberName(unwrap(call.expression)) ?? limiterLabel(unwrap(call.expression)) ?? 'wrapper';
}
