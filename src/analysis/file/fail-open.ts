/**
 * Does a failure path let the request through (SPEC `fail-open-verify`): `next()` without the
 * error, `return true`, a fallback or anonymous user assigned and the work carried on, an empty
 * `catch {}` followed by the protected work.
 */
import {
  ts,
  unwrap,
  walk,
  isFunctionLike,
  references,
  memberName,
  receiverName,
  boundNames,
  type Node,
  SK,
} from './ast.js';
import { isPassThroughCall, isResponseCall, isKoaThrow, respondsOrExits } from './responses.js';

export function followingStatements(stmt: Node): Node[] {
  const parent = stmt.parent;
  if (parent && (ts.isBlock(parent) || ts.isSourceFile(parent))) {
    const list = parent.statements as readonly Node[];
    return list.slice(list.indexOf(stmt) + 1);
  }
  return [];
}

/** Does a statement after this one pass the request on (`next()`, `return true`)? */
export function laterPassThrough(stmt: Node): boolean {
  return followingStatements(stmt).some((s) => containsCall(s, isPassThroughCall));
}

export function containsCall(root: Node, pred: (c: ts.CallExpression) => boolean): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (n !== root && isFunctionLike(n)) return false;
    if (ts.isCallExpression(n) && pred(n)) found = true;
    return !found;
  });
  return found;
}

/** Does a failure region let the request through: `next()` without the error, `return true`? */
export function regionFailOpen(regions: readonly Node[]): string | undefined {
  for (const r of regions) {
    if (containsCall(r, isPassThroughCall)) return 'calls next() without the error';
    let returnsTrue = false;
    walk(r, (n) => {
      if (returnsTrue) return false;
      if (n !== r && isFunctionLike(n) && !(ts.isArrowFunction(r) || ts.isFunctionExpression(r)))
        return false;
      if (ts.isReturnStatement(n) && n.expression && unwrap(n.expression).kind === SK.TrueKeyword)
        returnsTrue = true;
      if (
        ts.isArrowFunction(n) &&
        n === r &&
        unwrap(n.body as ts.Expression).kind === SK.TrueKeyword
      )
        returnsTrue = true;
      return !returnsTrue;
    });
    if (returnsTrue) return 'returns true';
  }
  return undefined;
}

export function callbackIgnoredFailOpen(body: Node): boolean {
  // (err, decoded) => { req.user = decoded; next(); } with no check of the result first
  if (!containsCall(body, isPassThroughCall)) return false;
  if (!ts.isBlock(body)) return true;
  for (const st of body.statements) {
    if (ts.isIfStatement(st) && respondsOrExits(st.thenStatement)) return false;
    if (containsCall(st, isPassThroughCall)) return true;
  }
  return true;
}

/** An unmonitored catch: does it let the request through? */
export function catchFailOpen(tryStmt: ts.TryStatement): string | undefined {
  const block = tryStmt.catchClause!.block;
  const direct = regionFailOpen([block]);
  if (direct)
    return assignsFallbackUser(block) ? 'assigns a fallback user and calls next()' : direct;
  const after = followingStatements(tryStmt);
  // res.status(401) without a send, then next(): the request goes on with a 401 status set
  if (setsStatusOnly(block) && after.some((s) => containsCall(s, isPassThroughCall)))
    return 'sets a 401 status without sending it and calls next()';
  if (respondsOrExits(block) || containsCall(block, (c) => isResponseCall(c) || isKoaThrow(c)))
    return undefined;
  // The catch falls through: what happens after the try?
  if (after.length === 0)
    return endsRouteHook(tryStmt)
      ? 'neither replies nor throws in a hook, so the route runs'
      : undefined;
  if (after.every((s) => ts.isReturnStatement(s) && (!s.expression || isPlainValue(s.expression))))
    return undefined;
  const assigned = assignedNames(tryStmt.tryBlock);
  const first = after[0];
  if (
    ts.isIfStatement(first) &&
    [...assigned].some((n) => references(first.expression, n)) &&
    respondsOrExits(first.thenStatement)
  )
    return undefined;
  if (
    after.some(
      (s) =>
        ts.isIfStatement(s) &&
        [...assigned].some((n) => references(s.expression, n)) &&
        respondsOrExits(s.thenStatement),
    )
  )
    return undefined;
  if (assignsFallbackUser(block)) return 'assigns a fallback user and carries on';
  return block.statements.length === 0
    ? 'swallows the error in an empty catch and carries on'
    : 'swallows the error and carries on';
}

/**
 * A catch that only calls project code (not yet known to monitor) can still be fail-open by shape.
 */
export function catchFailOpenEvenIfCalls(tryStmt: ts.TryStatement): string | undefined {
  return catchFailOpen(tryStmt);
}

/**
 * A fallback value handed back to the caller (`null`, `[ctx.ip]`, `{ user: undefined }`), never
 * `true`: the caller decides.
 */
export function isPlainValue(e: ts.Expression): boolean {
  const u = unwrap(e);
  if (ts.isArrayLiteralExpression(u))
    return u.elements.every((el) => !ts.isSpreadElement(el) && isPlainValue(el));
  if (ts.isObjectLiteralExpression(u))
    return u.properties.every(
      (p) =>
        ts.isShorthandPropertyAssignment(p) ||
        (ts.isPropertyAssignment(p) && isPlainValue(p.initializer)),
    );
  return (
    ts.isIdentifier(u) ||
    u.kind === SK.NullKeyword ||
    u.kind === SK.FalseKeyword ||
    ts.isPropertyAccessExpression(u) ||
    ts.isStringLiteralLike(u) ||
    ts.isNumericLiteral(u)
  );
}

export function assignedNames(block: Node): Set<string> {
  const out = new Set<string>();
  walk(block, (n) => {
    if (ts.isVariableDeclaration(n)) for (const name of boundNames(n.name)) out.add(name);
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken) {
      const l = unwrap(n.left);
      if (ts.isIdentifier(l)) out.add(l.text);
      else if (ts.isPropertyAccessExpression(l)) out.add(receiverName(l.expression) ?? '');
    }
    return true;
  });
  out.delete('');
  return out;
}

export function assignsFallbackUser(block: Node): boolean {
  let found = false;
  walk(block, (n) => {
    if (found) return false;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken) {
      const name = memberName(unwrap(n.left));
      if (name && /^(user|currentUser|auth|session|principal|identity)$/i.test(name)) found = true;
    }
    return !found;
  });
  return found;
}

/** The catch only sets a status (`res.status(401);`), with no send, return or throw. */
function setsStatusOnly(block: ts.Block): boolean {
  if (block.statements.length === 0) return false;
  let status = false;
  let other = false;
  walk(block, (n) => {
    if (isFunctionLike(n)) return false;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) other = true;
    if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const onResponse = /^(res|response|reply)$/.test(
        ts.isPropertyAccessExpression(callee) ? (receiverName(callee.expression) ?? '') : '',
      );
      if (onResponse && /^(status|code)$/.test(method)) {
        const p = n.parent;
        // chained on: `res.status(401).json(...)` sends
        if (p && ts.isPropertyAccessExpression(p)) other = true;
        else status = true;
      } else if (isResponseCall(n)) other = true;
    }
    return !other;
  });
  return status && !other;
}

/**
 * The try is the last statement of a Fastify `onRequest` / `preHandler` / `preValidation` hook:
 * falling off its end lets the route run.
 */
function endsRouteHook(tryStmt: ts.TryStatement): boolean {
  const body = tryStmt.parent;
  if (!body || !ts.isBlock(body)) return false;
  const fn = body.parent;
  if (!fn || !isFunctionLike(fn) || fn.parameters.length < 2) return false;
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call) || memberName(unwrap(call.expression)) !== 'addHook')
    return false;
  const hook = call.arguments[0] && unwrap(call.arguments[0]);
  return (
    !!hook &&
    ts.isStringLiteralLike(hook) &&
    /^(onRequest|preHandler|preValidation|preParsing)$/.test(hook.text)
  );
}

/**
 * `.catch(() => fallback)` whose value is used and the request carried on with `next()`: the
 * handler itself neither throws nor answers.
 */
export function promiseFallbackFailOpen(handler: Node): string | undefined {
  if (respondsOrExits(handler) && !(ts.isArrowFunction(handler) && !ts.isBlock(handler.body)))
    return undefined;
  if (containsCall(handler, (c) => isResponseCall(c) || isKoaThrow(c))) return undefined;
  let stmt: Node = handler;
  while (stmt.parent && !ts.isBlock(stmt.parent) && !isFunctionLike(stmt.parent))
    stmt = stmt.parent;
  if (!stmt.parent || !ts.isBlock(stmt.parent)) return undefined;
  return followingStatements(stmt).some((s) => containsCall(s, isPassThroughCall))
    ? 'falls back to a value in .catch() and calls next()'
    : undefined;
}
