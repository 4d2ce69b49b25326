/**
 * Small helpers over the TypeScript compiler's own nodes (not ts-morph wrappers: wrapping every
 * node costs almost as much as parsing, see STYLE.md "Performance shape").
 */
import { ts } from '../../typescript.cjs';

export { ts };

export type Node = ts.Node;

/**
 * The compiler's SyntaxKind enum as a plain object. ts-morph re-exports TypeScript through
 * getters, so `SK.X` in a hot loop costs a getter call per access.
 */
export const SK: typeof ts.SyntaxKind = ts.SyntaxKind;

const FUNCTION_KINDS = new Set<ts.SyntaxKind>([
  SK.FunctionDeclaration,
  SK.FunctionExpression,
  SK.ArrowFunction,
  SK.MethodDeclaration,
  SK.Constructor,
  SK.GetAccessor,
  SK.SetAccessor,
]);
const forEachChild = ts.forEachChild;

/**
 * Can the text spell a name indirectly? An identifier may hold `\u` escapes; a string, `\x` and
 * octal escapes or a line continuation. Raw-text pre-filters (is a name spelled anywhere in the
 * file?) let such a file through. Other backslashes (`'\n'`, `/\d+/`) spell no name: letting
 * every file with one through made the pre-filters pass a tenth of files more.
 */
export function mayEscapeNames(text: string): boolean {
  return ESCAPE_SPELLING.test(text);
}

const ESCAPE_SPELLING = /\\[ux0-7\r\n\u2028\u2029]/;

/** A span inside one file, 1-based, as editors show it. */
export interface Span {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export function spanOf(node: Node, sf: ts.SourceFile): Span {
  const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const end = sf.getLineAndCharacterOfPosition(node.getEnd());
  return {
    startLine: start.line + 1,
    startColumn: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

/**
 * Visits every node below `root` in source order without recursion (a 400,000-term expression
 * must not overflow the stack). `visit` returns false to skip a node's children. With
 * `tokens: false`, identifiers, literals, keywords and punctuation are not visited: leaves, a
 * third of all nodes, that a visitor acting only on statements, calls and declarations would
 * be handed for nothing.
 */
export function walk(
  root: Node,
  visit: (node: Node) => boolean | void,
  options: { tokens: boolean } = { tokens: true },
): void {
  const stack: Node[] = [root];
  const push = options.tokens
    ? (child: Node) => {
        stack.push(child);
      }
    : (child: Node) => {
        if (child.kind >= SK.FirstNode) stack.push(child);
      };
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    // children go on the stack in source order, then that run is reversed so the first pops first
    const start = stack.length;
    forEachChild(node, push);
    for (let i = start, j = stack.length - 1; i < j; i++, j--) {
      const t = stack[i];
      stack[i] = stack[j];
      stack[j] = t;
    }
  }
}

/** `walk`'s options for a visitor that acts on no identifier, literal, keyword or punctuation. */
export const NO_TOKENS = { tokens: false } as const;

/** Like `walk`, but does not descend into nested functions (their bodies run at another time). */
export function walkSameFunction(root: Node, visit: (node: Node) => boolean | void): void {
  walk(root, (node) => {
    if (node !== root && isFunctionLike(node)) return false;
    return visit(node);
  });
}

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

/** FUNCTION_KINDS as a table indexed by kind: asked of every node of every walk. */
const IS_FUNCTION_KIND = new Uint8Array(SK.Count);
for (const kind of FUNCTION_KINDS) IS_FUNCTION_KIND[kind] = 1;

export function isFunctionLike(node: Node): node is FunctionNode {
  return IS_FUNCTION_KIND[node.kind] === 1;
}

/**
 * Type annotations, interfaces, type aliases and type parameters: no call, function or statement
 * can be inside.
 */
const IS_TYPE_ONLY = new Uint8Array(SK.Count);
for (let kind = SK.FirstTypeNode; kind <= SK.LastTypeNode; kind++) IS_TYPE_ONLY[kind] = 1;
for (const kind of [SK.InterfaceDeclaration, SK.TypeAliasDeclaration, SK.TypeParameter])
  IS_TYPE_ONLY[kind] = 1;

export function isTypeOnly(node: Node): boolean {
  return IS_TYPE_ONLY[node.kind] === 1;
}

export function enclosingFunction(node: Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunctionLike(n)) return n;
  return undefined;
}

/** Strips parentheses, `as`, `!`, `satisfies` and type assertions: `(x as any)!` -> `x`. */
const WRAPPER_KINDS = new Set<ts.SyntaxKind>([
  SK.ParenthesizedExpression,
  SK.AsExpression,
  SK.NonNullExpression,
  SK.TypeAssertionExpression,
  SK.SatisfiesExpression,
]);

export function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (WRAPPER_KINDS.has(e.kind)) e = (e as ts.ParenthesizedExpression).expression;
  return e;
}

/** Skips `await` too: `await (x)` -> `x`. */
export function unwrapAwait(expr: ts.Expression): ts.Expression {
  let e = unwrap(expr);
  while (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  return e;
}

/** The name of a property access or element access with a string key: `a.b` / `a['b']` -> `b`. */
export function memberName(expr: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isElementAccessExpression(expr) && ts.isStringLiteralLike(expr.argumentExpression))
    return expr.argumentExpression.text;
  return undefined;
}

export function memberObject(expr: ts.Expression): ts.Expression | undefined {
  if (ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr))
    return expr.expression;
  return undefined;
}

/** The last name of a callee: `a.b.c()` -> `c`, `f()` -> `f`. */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  return memberName(callee);
}

/** The last identifier-ish name of a receiver: `this.logger` -> `logger`, `req.log` -> `log`. */
export function receiverName(expr: ts.Expression): string | undefined {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) return e.text;
  if (e.kind === SK.ThisKeyword) return 'this';
  const name = memberName(e);
  if (name) return name;
  if (ts.isCallExpression(e)) return calleeName(e);
  return undefined;
}

/** Text of a callee for messages: `jwt.verify`, `this.jwtService.verifyAsync`. Short and stable. */
export function calleeLabel(call: ts.CallExpression, sf: ts.SourceFile): string {
  // Like normalisedText, a window of the text, not the whole callee: in a chain
  // (`db.select().from(t).where(...)`) every call's callee holds the chain before it.
  const start = call.expression.getStart(sf);
  const end = call.expression.end;
  for (let window = 128; ; window *= 2) {
    const text = sf.text.slice(start, Math.min(end, start + window)).replace(/\s+/g, '');
    if (text.length > 60) return `${text.slice(0, 57)}...`;
    if (start + window >= end) return text;
  }
}

/**
 * Splits `logAuthFailure` / `audit_event` / `AUDIT-LOG` into lower-case words. Remembered per
 * name (frozen: callers share the array): the same callee names (`push`, `get`, `info`) come up
 * in every file.
 */
export function splitWords(name: string): readonly string[] {
  let words = splitCache.get(name);
  if (words === undefined) {
    if (splitCache.size >= SPLIT_CACHE_MAX) splitCache.clear();
    words = Object.freeze(
      name
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.toLowerCase()),
    );
    splitCache.set(name, words);
  }
  return words;
}

const splitCache = new Map<string, readonly string[]>();
/** Bounds the memory of a scan of code with endless distinct names (generated code). */
const SPLIT_CACHE_MAX = 50_000;

/** Is `name` referenced (as an identifier, not a property name) anywhere under `root`? */
export function references(root: Node, name: string): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (ts.isIdentifier(n) && n.text === name && !isPropertyNamePosition(n)) found = true;
    return !found;
  });
  return found;
}

/** `x` in `a.x` or `{ x: 1 }` is a property name, not a reference to a variable `x`. */
export function isPropertyNamePosition(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return true;
  if (ts.isPropertyAssignment(p) && p.name === id) return true;
  if ((ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === id) return true;
  return false;
}

/** Names bound by a parameter or variable declaration name (handles destructuring). */
export function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    out.push(...boundNames(el.name));
  }
  return out;
}

export function firstParamName(fn: FunctionNode): string | undefined {
  const p = fn.parameters[0];
  return p && ts.isIdentifier(p.name) ? p.name.text : undefined;
}

/** The statements of a function body, or a one-element list for an expression-bodied arrow. */
export function bodyStatements(fn: FunctionNode): readonly ts.Statement[] {
  if (!fn.body) return [];
  if (ts.isBlock(fn.body)) return fn.body.statements;
  return [ts.factory.createExpressionStatement(fn.body as ts.Expression)];
}

/**
 * The name a function is known by: declaration name, `const f = () => ...`, `{ f() {} }`, `f:
 * function () {}`.
 */
export function functionName(fn: FunctionNode): string | undefined {
  if (
    (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) &&
    fn.name &&
    !ts.isComputedPropertyName(fn.name)
  ) {
    return ts.isIdentifier(fn.name) ||
      ts.isStringLiteral(fn.name) ||
      ts.isPrivateIdentifier(fn.name)
      ? fn.name.text
      : undefined;
  }
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))
    return p.name.text;
  if (p && ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isBinaryExpression(p) && p.operatorToken.kind === SK.EqualsToken) {
    const left = unwrap(p.left);
    if (ts.isIdentifier(left)) return left.text;
    return memberName(left);
  }
  return undefined;
}

/** The class a method (or arrow-function property) belongs to, if any. */
export function enclosingClassName(fn: Node): string | undefined {
  let p: Node | undefined = fn.parent;
  if (p && ts.isPropertyDeclaration(p)) p = p.parent;
  if (p && (ts.isClassDeclaration(p) || ts.isClassExpression(p)))
    return p.name?.text ?? classNameFromParent(p);
  return undefined;
}

function classNameFromParent(cls: ts.ClassLikeDeclaration): string | undefined {
  const p = cls.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

export function isStringLike(e: ts.Expression): e is ts.StringLiteralLike {
  return ts.isStringLiteralLike(e);
}

/** A static string value: literal, no-substitution template, or `'a' + 'b'`. */
export function staticString(expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === SK.PlusToken) {
    const l = staticString(e.left);
    const r = staticString(e.right);
    if (l !== undefined && r !== undefined) return l + r;
  }
  return undefined;
}

export function numericValue(expr: ts.Expression | undefined): number | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  return undefined;
}

/**
 * Does the statement list end the current path (return, throw)? Looks at the last statement only.
 */
export function endsWithExit(statements: readonly ts.Statement[]): boolean {
  const last = statements[statements.length - 1];
  if (!last) return false;
  if (ts.isReturnStatement(last) || ts.isThrowStatement(last)) return true;
  if (ts.isBlock(last)) return endsWithExit(last.statements);
  if (ts.isIfStatement(last) && last.elseStatement)
    return endsWithExit(asList(last.thenStatement)) && endsWithExit(asList(last.elseStatement));
  return false;
}

/** Does every way out of these statements throw (no `return`, `break` or `continue` on the way)? */
export function alwaysThrows(statements: readonly ts.Statement[]): boolean {
  let leaves = false;
  const visit = (n: Node): void => {
    if (leaves || isFunctionLike(n)) return;
    if (ts.isReturnStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n))
      leaves = true;
    else ts.forEachChild(n, visit);
  };
  statements.forEach(visit);
  return !leaves && endsWithExit(statements);
}

export function asList(stmt: ts.Statement): readonly ts.Statement[] {
  return ts.isBlock(stmt) ? stmt.statements : [stmt];
}

/** Normalised source text for fingerprints: whitespace collapsed, bounded length. */
export function normalisedText(node: Node, sf: ts.SourceFile, max = 200): string {
  // Only the first `max` characters are kept: collapse a window of the text, not the whole node
  // (a call's text holds its callbacks' bodies). Collapsing whitespace keeps prefixes, and the
  // node's text starts at a token: once a window gives more than `max` characters, the rest of
  // the text cannot change them.
  const start = node.getStart(sf);
  for (let window = max * 2; ; window *= 2) {
    const end = Math.min(node.end, start + window);
    const text = sf.text.slice(start, end).replace(/\s+/g, ' ');
    if (end === node.end) {
      const whole = text.trim();
      return whole.length > max ? whole.slice(0, max) : whole;
    }
    if (text.length > max) return text.slice(0, max);
  }
}
