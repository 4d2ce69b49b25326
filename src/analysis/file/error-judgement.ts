/**
 * Judging an error handler's body for one kind of error (SPEC "Where a propagated error ends"):
 * which monitoring calls lie on the way a 4xx error (or any other error) takes through it. A
 * branch on a server status is not taken by a 4xx error, a branch on an auth error is; helpers of
 * the same file are judged inline with their own branches.
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
import type { FileContext } from './context.js';
import type { ErrorJudgement } from './error-handler-types.js';
import { isKoaThrow } from './responses.js';

/** Words in a condition that an auth (4xx) error satisfies. */
const AUTH_TEST = new RegExp(
  [
    '<\\s*500\\b|<=\\s*499\\b|\\b4\\d\\d\\b|Unauthori[sz]ed|Forbidden',
    'JsonWebToken|TokenExpired|NotBefore|HttpException|HTTPException',
    'HttpError|expose|instanceof\\s+\\w*(Api|Http|Auth|Client|App)\\w*Error',
    'ValidationError|isHttpError|isBoom',
  ].join('|'),
);
/** Words in a condition that only a server (5xx) error satisfies. */
const SERVER_TEST = /(>=?|===?|==)\s*5\d\d\b|\b5\d\d\s*(<=?|===?|==)|\b(isServerError|is5xx)\b/;
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

function staticText(e: ts.Expression | undefined): string | undefined {
  const u = e && unwrap(e);
  return u && ts.isStringLiteralLike(u) ? u.text : undefined;
}
