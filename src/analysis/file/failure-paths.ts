/**
 * The failure path of a call that can fail (a JWT verification, or a project function that lets
 * one's error escape): the `catch` of the enclosing `try`, a `.catch()` / `.then(_, onRejected)`
 * handler, or the `if (err)` branch of a node-style callback. Each path is summarised into plain
 * data: its monitoring evidence, the project calls it makes (resolved later), whether it touches
 * or classifies the error, and whether it lets the request through (fail-open).
 */
import {
  ts,
  unwrap,
  walk,
  isFunctionLike,
  references,
  calleeName,
  endsWithExit,
  alwaysThrows,
  asList,
  memberName,
  receiverName,
  boundNames,
  type FunctionNode,
  type Node,
  SK,
} from './ast.js';
import { monitoringEvidence, isPropagationCall, type Evidence } from './monitoring.js';
import { callTarget } from './call-targets.js';
import { isResponseAssignment, isKoaThrow, isSensibleReply, respondsOrExits } from './responses.js';
import { ERROR_CLASSIFIERS } from '../libraries/jwt-apis.js';
import type { FileContext } from './context.js';
import {
  followingStatements,
  laterPassThrough,
  regionFailOpen,
  callbackIgnoredFailOpen,
  catchFailOpen,
  catchFailOpenEvenIfCalls,
  promiseFallbackFailOpen,
} from './fail-open.js';
import type { FailureKind, FailurePath, RegionCall } from './types.js';
import { isHttpErrorValue } from './error-handlers.js';

function cached(ctx: FileContext, node: Node, compute: () => FailurePath): FailurePath {
  const hit = ctx.cache?.get(node);
  if (hit) return hit;
  const path = compute();
  ctx.cache?.set(node, path);
  return path;
}

/** Where a failing call's error goes: a handler in this function, or out of the function. */
export type Handling =
  | { kind: 'handled'; path: FailurePath }
  | { kind: 'propagates' }
  /**
   * The verification hands its callback parameter in from the caller: the caller's callback is the
   * path.
   */
  | { kind: 'callback-param'; index: number };

const ARRAY_CALLBACK_METHODS =
  /^(map|forEach|filter|some|every|reduce|reduceRight|find|findIndex|flatMap)$/;

/**
 * Finds the failure handling of `call`. `callbackIndex` is the argument position of a node-style
 * callback when the API takes one (jsonwebtoken `verify(token, key, [options], cb)`).
 */
export function handlingOf(
  call: ts.CallExpression,
  ctx: FileContext,
  opts: { callbackArg?: ts.Expression },
): Handling {
  if (opts.callbackArg) {
    const cb = unwrap(opts.callbackArg);
    let fn: FunctionNode | undefined;
    if (isFunctionLike(cb)) fn = cb;
    else if (ts.isIdentifier(cb)) {
      const value = ctx.resolver.evaluate(cb);
      if (value.kind === 'function') fn = value.node;
    }
    if (fn) {
      const path = cached(ctx, fn, () => callbackPath(fn!, ctx));
      // new Promise((resolve, reject) => verify(t, k, (err, d) => err ? reject(err) : resolve(d))):
      // the error leaves as a rejection of that promise; its handler is the real failure path.
      const executor = promiseExecutorOf(call);
      if (executor && rejectsOnly(path)) return handlingOfExpression(executor);
      return { kind: 'handled', path };
    }
    if (ts.isIdentifier(cb)) {
      const value = ctx.resolver.evaluate(cb);
      if (value.kind === 'param' && enclosingFn(call) === value.fn) {
        if (/^(next|done|cb|callback)$/.test(cb.text))
          return { kind: 'handled', path: handOff(cb, ctx) };
        return { kind: 'callback-param', index: value.index };
      }
    }
  }
  return handlingOfExpression(call);

  function handlingOfExpression(expr: ts.Expression): Handling {
    const chain = promiseHandler(expr);
    if (chain.handler)
      return {
        kind: 'handled',
        path: cached(ctx, chain.handler, () => handlerPath(chain.handler!, chain.kind!, ctx)),
      };
    const tryStmt = enclosingTry(chain.outermost);
    if (tryStmt?.catchClause)
      return { kind: 'handled', path: cached(ctx, tryStmt, () => catchPath(tryStmt, ctx)) };
    return { kind: 'propagates' };
  }
}

/** The `new Promise(executor)` whose executor directly contains `node`, if any. */
export function promiseExecutorOf(node: Node): ts.NewExpression | undefined {
  const fn = enclosingFn(node);
  return fn && executorPromise(fn);
}

/** The `new Promise(fn)` that `fn` is the executor of, if it is one. */
export function executorPromise(fn: FunctionNode): ts.NewExpression | undefined {
  const p = fn.parent;
  if (
    p &&
    ts.isNewExpression(p) &&
    p.arguments?.[0] === fn &&
    ts.isIdentifier(unwrap(p.expression)) &&
    (unwrap(p.expression) as ts.Identifier).text === 'Promise'
  )
    return p;
  return undefined;
}

/** A callback whose only reaction to the error is `reject(err)`. */
function rejectsOnly(path: FailurePath): boolean {
  return (
    path.evidence.length > 0 &&
    path.calls.length === 0 &&
    path.evidence.every((e) => e.kind === 'propagate' && e.label === 'reject')
  );
}

function enclosingFn(node: Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunctionLike(n)) return n;
  return undefined;
}

/** `p.then(a).catch(h)`, `p.then(a, h)`; also returns the outermost chain expression. */
function promiseHandler(call: ts.Expression): {
  handler?: ts.Expression;
  kind?: FailureKind;
  outermost: ts.Expression;
} {
  let cur: ts.Expression = call;
  for (;;) {
    let p = cur.parent;
    while (p && ts.isParenthesizedExpression(p)) {
      cur = p;
      p = p.parent;
    }
    if (
      p &&
      ts.isPropertyAccessExpression(p) &&
      p.expression === cur &&
      p.parent &&
      ts.isCallExpression(p.parent) &&
      p.parent.expression === p
    ) {
      const method = p.name.text;
      const chainCall = p.parent;
      if (method === 'catch' && chainCall.arguments[0])
        return { handler: chainCall.arguments[0], kind: 'promise-catch', outermost: chainCall };
      if (method === 'then' && chainCall.arguments[1])
        return { handler: chainCall.arguments[1], kind: 'then-rejected', outermost: chainCall };
      if (method === 'then' || method === 'finally') {
        cur = chainCall;
        continue;
      }
    }
    return { outermost: cur };
  }
}

/** The innermost `try` whose *try block* contains the node, within the same function. */
function enclosingTry(node: Node): ts.TryStatement | undefined {
  let child: Node = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (ts.isTryStatement(n) && n.tryBlock === child) {
      if (n.catchClause) return n;
      continue;
    }
    if (isFunctionLike(n)) {
      // a synchronous array callback (`tokens.map(t => jwt.verify(t))`) throws into its caller
      const p = n.parent;
      if (p && ts.isCallExpression(p) && ARRAY_CALLBACK_METHODS.test(calleeName(p) ?? '')) continue;
      return undefined;
    }
  }
  return undefined;
}

function catchPath(tryStmt: ts.TryStatement, ctx: FileContext): FailurePath {
  const clause = tryStmt.catchClause!;
  const errorName =
    clause.variableDeclaration && ts.isIdentifier(clause.variableDeclaration.name)
      ? clause.variableDeclaration.name.text
      : undefined;
  const summary = summarise([clause.block], errorName, ctx);
  // `catch (err) { lastError = err }` in a loop over keys, `throw lastError` after it: the error
  // leaves the function, like a rethrow
  const deferred = deferredRethrow(tryStmt, errorName);
  if (deferred)
    return {
      kind: 'catch',
      span: ctx.span(clause),
      errorName,
      ...summary,
      evidence: [...summary.evidence, { kind: 'propagate', label: 'throw', touchesError: true }],
      rethrows: true,
    };
  const failOpen =
    summary.evidence.length === 0 && summary.calls.length === 0
      ? catchFailOpen(tryStmt)
      : catchFailOpenEvenIfCalls(tryStmt);
  const rethrows =
    summary.evidence.every((e) => e.label === 'throw') &&
    alwaysThrows(clause.block.statements) &&
    !callsOutsideThrows(clause.block, ctx);
  return {
    kind: 'catch',
    span: ctx.span(clause),
    errorName,
    ...summary,
    failOpen,
    ...(rethrows ? { rethrows } : {}),
  };
}

/**
 * A catch that only keeps the error (`lastError = err`) in a variable of the function that the
 * function throws after the `try` (`throw lastError`): the usual shape of trying several keys.
 */
function deferredRethrow(tryStmt: ts.TryStatement, errorName: string | undefined): boolean {
  const clause = tryStmt.catchClause;
  if (!clause || !errorName || clause.block.statements.length === 0) return false;
  const kept = new Set<string>();
  for (const st of clause.block.statements) {
    if (!ts.isExpressionStatement(st)) return false;
    const e = unwrap(st.expression);
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== SK.EqualsToken) return false;
    const right = unwrap(e.right);
    if (!ts.isIdentifier(e.left) || !ts.isIdentifier(right) || right.text !== errorName)
      return false;
    kept.add(e.left.text);
  }
  let fn: Node | undefined = tryStmt.parent;
  while (fn && !isFunctionLike(fn)) fn = fn.parent;
  const body = fn && (fn as FunctionNode).body;
  if (!body) return false;
  let thrown = false;
  walk(body, (n) => {
    if (thrown || (n !== body && isFunctionLike(n))) return false;
    if (ts.isThrowStatement(n) && n.pos >= tryStmt.end) {
      const thrownValue = unwrap(n.expression);
      if (ts.isIdentifier(thrownValue) && kept.has(thrownValue.text)) thrown = true;
    }
    return !thrown;
  });
  return thrown;
}

/**
 * Project calls other than the ones building the thrown error (`throw AuthenticationError('Invalid
 * token')`).
 */
function callsOutsideThrows(block: ts.Block, ctx: FileContext): boolean {
  let found = false;
  walk(block, (n) => {
    if (found || ts.isThrowStatement(n) || isFunctionLike(n)) return false;
    if (ts.isCallExpression(n) && callTarget(n, ctx.resolver, ctx.fnId)) found = true;
    return !found;
  });
  return found;
}

/** `.catch(handler)` / `.then(_, handler)`: a function, a reference to one, or `next`. */
function handlerPath(handler: ts.Expression, kind: FailureKind, ctx: FileContext): FailurePath {
  const h = unwrap(handler);
  let fn: FunctionNode | undefined;
  if (isFunctionLike(h)) fn = h;
  else if (ts.isIdentifier(h) || ts.isPropertyAccessExpression(h)) {
    const value = ctx.resolver.evaluate(h);
    if (value.kind === 'function') fn = value.node;
    else return referencePath(h, kind, ctx);
  }
  if (!fn) return { kind, span: ctx.span(handler), evidence: [], calls: [], classifies: false };
  const errorName =
    fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name)
      ? fn.parameters[0].name.text
      : undefined;
  const summary = summarise(fn.body ? [fn.body] : [], errorName, ctx);
  const failOpen =
    summary.evidence.length === 0
      ? (regionFailOpen(fn.body ? [fn.body] : []) ??
        (summary.calls.length === 0 ? promiseFallbackFailOpen(fn) : undefined))
      : undefined;
  return { kind, span: ctx.span(isFunctionLike(h) ? h : handler), errorName, ...summary, failOpen };
}

/**
 * `.catch(next)`, `.catch(console.error)`, `.catch(this.logger.error)`, `.catch(handleAuthError)`.
 */
function referencePath(ref: ts.Expression, kind: FailureKind, ctx: FileContext): FailurePath {
  const span = ctx.span(ref);
  const name = ts.isIdentifier(ref) ? ref.text : memberName(ref);
  const evidence: FailurePath['evidence'] = [];
  const calls: RegionCall[] = [];
  if (ts.isIdentifier(ref) && /^(next|done|cb|callback|reject)$/.test(ref.text))
    evidence.push({ kind: 'propagate', label: ref.text, touchesError: true });
  else {
    // Pretend it is called with the error: `h(err)`.
    const fake = ts.factory.createCallExpression(ref, undefined, []);
    ts.setTextRange(fake, ref);
    (fake as { parent?: Node }).parent = ref.parent;
    const ev = safeEvidence(fake, ctx);
    if (ev) evidence.push({ ...ev, label: name ?? ev.label, touchesError: true });
    else {
      const target = callTarget(fake, ctx.resolver, ctx.fnId);
      if (target) calls.push({ target, label: name ?? '?', withError: true });
    }
  }
  return { kind, span, evidence, calls, classifies: false };
}

function safeEvidence(call: ts.CallExpression, ctx: FileContext): Evidence | undefined {
  try {
    return monitoringEvidence(call, ctx.resolver, ctx.monitoring, ctx.sf);
  } catch {
    return undefined;
  }
}

/** A callback handed straight to `next`/`done`: the error goes upstream. */
function handOff(ref: ts.Identifier, ctx: FileContext): FailurePath {
  return {
    kind: 'callback',
    span: ctx.span(ref),
    evidence: [{ kind: 'propagate', label: ref.text, touchesError: true }],
    calls: [],
    classifies: false,
  };
}

/**
 * A node-style callback `(err, decoded) => {...}`: the failure path is the branch taken when
 * `err` is set. A callback that never reads `err` has no failure handling at all.
 */
export function callbackPath(fn: FunctionNode, ctx: FileContext): FailurePath {
  const first = fn.parameters[0];
  const errorName = first && ts.isIdentifier(first.name) ? first.name.text : undefined;
  const body = fn.body;
  if (!body || !errorName || !references(body, errorName)) {
    const failOpen =
      body && callbackIgnoredFailOpen(body)
        ? 'ignores the error parameter and calls next()'
        : undefined;
    return {
      kind: 'callback-ignored',
      span: ctx.span(fn),
      errorName,
      evidence: [],
      calls: [],
      classifies: false,
      failOpen,
    };
  }
  const branch = errorBranch(body, errorName);
  const regions = branch ? branch.region : [body];
  const summary = summarise(regions, errorName, ctx);
  let failOpen: string | undefined;
  if (summary.evidence.length === 0) {
    failOpen = regionFailOpen(regions);
    if (
      !failOpen &&
      branch &&
      !branch.exits &&
      ts.isBlock(body) &&
      laterPassThrough(branch.statement)
    )
      failOpen = 'continues to next() after the error branch';
  }
  return {
    kind: 'callback',
    span: ctx.span(branch ? branch.statement : fn),
    errorName,
    ...summary,
    failOpen,
  };
}

/** The `if (err) {...}` / `err ? a : b` branch of a callback body. */
function errorBranch(
  body: Node,
  errorName: string,
): { statement: Node; region: Node[]; exits: boolean } | undefined {
  let found: { statement: Node; region: Node[]; exits: boolean } | undefined;
  walk(body, (n) => {
    if (found) return false;
    if (n !== body && isFunctionLike(n)) return false;
    if (ts.isIfStatement(n) && references(n.expression, errorName)) {
      const negated = isNegatedTest(n.expression, errorName);
      if (!negated)
        found = {
          statement: n,
          region: [n.thenStatement],
          exits: endsWithExit(asList(n.thenStatement)) || respondsOrExits(n.thenStatement),
        };
      else if (n.elseStatement)
        found = {
          statement: n,
          region: [n.elseStatement],
          exits: endsWithExit(asList(n.elseStatement)) || respondsOrExits(n.elseStatement),
        };
      else {
        // if (!err) { ...; return next(); }  <failure statements follow>
        const rest = followingStatements(n);
        found = { statement: n, region: rest, exits: true };
      }
      return false;
    }
    if (ts.isConditionalExpression(n) && references(n.condition, errorName)) {
      const negated = isNegatedTest(n.condition, errorName);
      found = { statement: n, region: [negated ? n.whenFalse : n.whenTrue], exits: true };
      return false;
    }
    return true;
  });
  return found;
}

function isNegatedTest(test: ts.Expression, errorName: string): boolean {
  const t = unwrap(test);
  if (ts.isPrefixUnaryExpression(t) && t.operator === SK.ExclamationToken)
    return references(t.operand, errorName);
  if (
    ts.isBinaryExpression(t) &&
    (t.operatorToken.kind === SK.EqualsEqualsEqualsToken ||
      t.operatorToken.kind === SK.EqualsEqualsToken)
  ) {
    const other = references(t.left, errorName) ? t.right : t.left;
    const o = unwrap(other);
    return o.kind === SK.NullKeyword || (ts.isIdentifier(o) && o.text === 'undefined');
  }
  return false;
}

/** Monitoring evidence, project calls, error taint and classification over a region. */
export function summarise(
  regions: readonly Node[],
  errorName: string | undefined,
  ctx: FileContext,
): Pick<FailurePath, 'evidence' | 'calls' | 'classifies' | 'httpError'> {
  const tainted = new Set<string>(errorName ? [errorName] : []);
  const touches = (node: Node) => [...tainted].some((n) => references(node, n));
  const evidence: FailurePath['evidence'] = [];
  const calls: RegionCall[] = [];
  let classifies = false;
  let httpError = false;
  for (const region of regions) {
    walk(region, (n) => {
      if (
        ts.isVariableDeclaration(n) &&
        n.initializer &&
        tainted.size > 0 &&
        touches(n.initializer)
      )
        for (const name of boundNames(n.name)) tainted.add(name);
      if (ts.isThrowStatement(n)) {
        evidence.push({
          kind: 'propagate',
          label: 'throw',
          touchesError: !!n.expression && touches(n.expression),
        });
        if (isHttpErrorValue(n.expression, ctx.sf)) httpError = true;
      }
      if ((ts.isIdentifier(n) || ts.isStringLiteralLike(n)) && ERROR_CLASSIFIERS.test(n.text))
        classifies = true;
      if (ts.isCallExpression(n)) {
        const withError = tainted.size > 0 && n.arguments.some((a) => touches(a));
        if (isKoaThrow(n)) {
          httpError = true;
          evidence.push({ kind: 'propagate', label: 'ctx.throw', touchesError: withError });
          return true;
        }
        if (isSensibleReply(unwrap(n.expression))) {
          // @fastify/sensible: reply.unauthorized() sends a 4xx through the error handler
          httpError = true;
          const name = (unwrap(n.expression) as ts.PropertyAccessExpression).name.text;
          evidence.push({ kind: 'propagate', label: `reply.${name}`, touchesError: withError });
          return true;
        }
        if (isFastifyErrorReply(n, tainted)) {
          // Fastify: reply.send(err) hands the error to the instance's error handler, which logs it
          evidence.push({ kind: 'propagate', label: 'reply.send', touchesError: true });
          return true;
        }
        const ev = safeEvidence(n, ctx);
        if (ev) {
          if (ev.kind === 'propagate' && isHttpErrorValue(n.arguments[0], ctx.sf)) httpError = true;
          evidence.push({ ...ev, touchesError: withError });
          return true;
        }
        const target = callTarget(n, ctx.resolver, ctx.fnId);
        if (target) calls.push({ target, label: calleeName(n) ?? '?', withError });
      }
      return true;
    });
  }
  return { evidence, calls, classifies, ...(httpError ? { httpError } : {}) };
}

/** `reply.send(err)` with the caught error itself (Fastify routes it through its error handler). */
function isFastifyErrorReply(call: ts.CallExpression, tainted: ReadonlySet<string>): boolean {
  const callee = unwrap(call.expression);
  if (
    !ts.isPropertyAccessExpression(callee) ||
    callee.name.text !== 'send' ||
    !/^(reply|rep)$/.test(receiverName(callee.expression) ?? '')
  )
    return false;
  const arg = call.arguments[0] && unwrap(call.arguments[0]);
  return !!arg && ts.isIdentifier(arg) && tainted.has(arg.text);
}

export { isPropagationCall, isResponseAssignment };
