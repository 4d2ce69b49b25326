/**
 * Mongoose schema methods and statics, read as the methods of one pseudo-class (`#schema`), so a
 * call on a model document or a model (`user.generateToken()`, `RefreshToken.issue(user)`) can
 * land on them by name (call-graph.ts):
 *
 *   userSchema.methods.generateToken = function () { ... }
 *   userSchema.method({ token() { ... } })          userSchema.method('token', function ...)
 *   userSchema.statics = { findAndGenerateToken(...) { ... } }
 *   userSchema.static('issue', fn)                  userSchema.statics.issue = fn
 */
import { ts, unwrap, isFunctionLike, isTypeOnly, type FunctionNode, staticString } from './ast.js';
import type { FileContext } from './context.js';
import { propName } from './values.js';

export const SCHEMA_CLASS = '#schema';

/** Method name -> function id, for a file that imports mongoose. */
export function schemaMethods(sf: ts.SourceFile, ctx: FileContext): Map<string, number> {
  const out = new Map<string, number>();
  // the plain substring first: a scan for it is several times cheaper than the regex's
  if (!sf.text.includes('mongoose') || !/['"]mongoose['"]/.test(sf.text)) return out;
  const add = (name: string | undefined, value: ts.Node | undefined) => {
    if (!name || !value) return;
    const fn = functionOf(value, ctx);
    if (fn) out.set(name, ctx.fnId(fn));
  };
  const addObject = (obj: ts.Expression) => {
    const o = unwrap(obj);
    if (!ts.isObjectLiteralExpression(o)) return;
    for (const p of o.properties) {
      const name = p.name ? propName(p.name as ts.PropertyName) : undefined;
      if (ts.isMethodDeclaration(p)) add(name, p);
      else if (ts.isPropertyAssignment(p)) add(name, p.initializer);
      else if (ts.isShorthandPropertyAssignment(p)) add(name, p.name);
    }
  };
  const visit = (n: ts.Node): void => {
    // types hold no assignment or call
    if (isTypeOnly(n)) return;
    // schema.methods.x = fn / schema.statics = { ... }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(n.left);
      if (ts.isPropertyAccessExpression(left)) {
        const inner = unwrap(left.expression);
        if (/^(methods|statics)$/.test(left.name.text)) addObject(n.right);
        else if (
          ts.isPropertyAccessExpression(inner) &&
          /^(methods|statics)$/.test(inner.name.text)
        )
          add(left.name.text, n.right);
      }
    } else if (ts.isCallExpression(n)) {
      // schema.method({ ... }) / schema.method('x', fn) / schema.static(...)
      const callee = unwrap(n.expression);
      if (ts.isPropertyAccessExpression(callee) && /^(method|static)$/.test(callee.name.text)) {
        const [first, second] = n.arguments;
        if (first && second) add(staticString(first), second);
        else if (first) addObject(first);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function functionOf(node: ts.Node, ctx: FileContext): FunctionNode | undefined {
  if (isFunctionLike(node)) return node;
  if (!ts.isExpression(node)) return undefined;
  const e = unwrap(node);
  if (isFunctionLike(e)) return e;
  const v = ctx.resolver.evaluate(e);
  return v.kind === 'function' ? v.node : undefined;
}
