/**
 * What the code does with the answer of a denylist lookup: which statements run when the token
 * *is* revoked, and whether they reject the request or hand the answer back to a caller.
 *
 *   if (await redis.exists(`revoked:${jti}`)) return res.sendStatus(401);    rejects (then-branch)
 *   if (!revokedTokens.has(jti)) return next(); res.status(401).end();      rejects (what follows)
 *   const hit = await isRevoked(jti); if (hit) { ... }                      through the variable
 *   return revokedTokens.has(jti);                                          returns (truthy =
 *   revoked) if (denylist.includes(jti)) return false;                               returns (falsy
 *   = revoked) done(null, !!row)                                                       returns
 *   (callback style)
 *
 * The revoked path also includes the statements between the lookup and its test: they run on it.
 */
import {
  ts,
  unwrap,
  walk,
  isFunctionLike,
  references,
  asList,
  endsWithExit,
  functionName,
  calleeName,
  type FunctionNode,
  type Node,
  SK,
} from './ast.js';
import {
  isResponseCall,
  isResponseAssignment,
  isResponseConstruction,
  isKoaThrow,
  isPassThroughCall,
  isThrowingHelperStatement,
  respondsOrExits,
} from './responses.js';
import { isPropagationCall } from './monitoring.js';
import { enclosingClass } from './values.js';

export type RawOutcome =
  /**
   * The revoked path rejects the request (response, throw, `next(err)`, `return false` in a guard).
   */
  | { kind: 'rejects'; regions: Node[]; branch: Node[] }
  /** The answer is handed back: the function returns `revokedValue` when the token is revoked. */
  | { kind: 'returns'; regions: Node[]; revokedValue: boolean }
  | { kind: 'other' };

const OTHER: RawOutcome = { kind: 'other' };
const QUERY_FINISHERS = new Set(['lean', 'exec', 'select', 'populate', 'orFail']);

/**
 * Polarity of a comparison `x OP literal`: does a truthy `x` make it true? undefined = not a test.
 */
function comparisonKeeps(op: ts.SyntaxKind, literal: ts.Expression): boolean | undefined {
  const l = unwrap(literal);
  const falsy =
    l.kind === SK.NullKeyword ||
    l.kind === SK.FalseKeyword ||
    (ts.isIdentifier(l) && l.text === 'undefined') ||
    (ts.isNumericLiteral(l) && Number(l.text) === 0) ||
    (ts.isStringLiteral(l) && l.text === '');
  const truthy =
    l.kind === SK.TrueKeyword ||
    (ts.isNumericLiteral(l) && Number(l.text) > 0) ||
    (ts.isStringLiteral(l) && l.text !== '');
  switch (op) {
    case SK.EqualsEqualsEqualsToken:
    case SK.EqualsEqualsToken:
      return falsy ? false : truthy ? true : undefined;
    case SK.ExclamationEqualsEqualsToken:
    case SK.ExclamationEqualsToken:
      return falsy ? true : truthy ? false : undefined;
    case SK.GreaterThanToken:
    case SK.GreaterThanEqualsToken:
      return true;
    case SK.LessThanToken:
    case SK.LessThanEqualsToken:
      return false;
    default:
      return undefined;
  }
}

/**
 * Climbs from a use of the lookup's answer (the call, or a variable holding it) to where the
 * answer decides something, tracking negation on the way.
 */
export function outcomeOfUse(use: ts.Expression, positive: boolean, depth = 0): RawOutcome {
  let node: ts.Node = use;
  let keeps = positive;
  for (let i = 0; i < 20; i++) {
    const p = node.parent;
    if (!p) return OTHER;
    if (
      ts.isParenthesizedExpression(p) ||
      ts.isAsExpression(p) ||
      ts.isNonNullExpression(p) ||
      ts.isAwaitExpression(p) ||
      ts.isTypeAssertionExpression(p) ||
      ts.isSatisfiesExpression(p)
    ) {
      node = p;
      continue;
    }
    if (
      ts.isPropertyAccessExpression(p) &&
      p.expression === node &&
      !(p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p)
    ) {
      // row?.revoked, result.count: still the answer
      node = p;
      continue;
    }
    // Mongoose query chains: BlacklistedToken.findOne(q).lean() / .exec()
    if (
      ts.isPropertyAccessExpression(p) &&
      p.expression === node &&
      QUERY_FINISHERS.has(p.name.text) &&
      p.parent &&
      ts.isCallExpression(p.parent) &&
      p.parent.expression === p
    ) {
      node = p.parent;
      continue;
    }
    if (ts.isPrefixUnaryExpression(p) && p.operator === SK.ExclamationToken) {
      keeps = !keeps;
      node = p;
      continue;
    }
    if (
      ts.isCallExpression(p) &&
      ts.isIdentifier(p.expression) &&
      p.expression.text === 'Boolean' &&
      p.arguments[0] === node
    ) {
      node = p;
      continue;
    }
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (op === SK.AmpersandAmpersandToken || op === SK.BarBarToken) {
        node = p;
        continue;
      }
      const other = p.left === node ? p.right : p.left;
      const k = comparisonKeeps(p.left === node ? op : mirror(op), other);
      if (k === undefined) return OTHER;
      if (!k) keeps = !keeps;
      node = p;
      continue;
    }
    if (ts.isIfStatement(p) && p.expression === node) return ifOutcome(p, keeps);
    if (ts.isConditionalExpression(p) && p.condition === node) {
      const branch = keeps ? p.whenTrue : p.whenFalse;
      return classify([branch], [branch], enclosingFunctionOf(p));
    }
    if (ts.isReturnStatement(p)) return { kind: 'returns', regions: [], revokedValue: keeps };
    if (isFunctionLike(p) && (p as FunctionNode).body === node)
      return { kind: 'returns', regions: [], revokedValue: keeps };
    if (ts.isCallExpression(p) && isDoneCall(p) && p.arguments[1] === node)
      return { kind: 'returns', regions: [], revokedValue: keeps };
    if (
      ts.isVariableDeclaration(p) &&
      p.initializer === node &&
      ts.isIdentifier(p.name) &&
      depth === 0
    )
      return variableOutcome(p, p.name.text, keeps);
    return OTHER;
  }
  return OTHER;
}

function mirror(op: ts.SyntaxKind): ts.SyntaxKind {
  switch (op) {
    case SK.LessThanToken:
      return SK.GreaterThanToken;
    case SK.LessThanEqualsToken:
      return SK.GreaterThanEqualsToken;
    case SK.GreaterThanToken:
      return SK.LessThanToken;
    case SK.GreaterThanEqualsToken:
      return SK.LessThanEqualsToken;
    default:
      return op;
  }
}

/** `done(null, value)` / `cb(null, value)`: a callback-style return. */
function isDoneCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (
    !ts.isIdentifier(callee) ||
    !/^(done|cb|callback)$/.test(callee.text) ||
    call.arguments.length < 2
  )
    return false;
  const first = unwrap(call.arguments[0]);
  return first.kind === SK.NullKeyword || (ts.isIdentifier(first) && first.text === 'undefined');
}

function ifOutcome(stmt: ts.IfStatement, keeps: boolean): RawOutcome {
  const fn = enclosingFunctionOf(stmt);
  if (keeps) return classify([stmt.thenStatement], [stmt.thenStatement], fn);
  if (stmt.elseStatement) return classify([stmt.elseStatement], [stmt.elseStatement], fn);
  // if (!revoked) return next();  <the revoked path follows>
  if (endsWithExit(asList(stmt.thenStatement)) || respondsOrExits(stmt.thenStatement)) {
    const rest = followingStatements(stmt);
    if (rest.length > 0) return classify(rest, rest, fn);
  }
  return OTHER;
}

/**
 * `const revoked = await lookup(...)`: the first later statement of the same block that tests or
 * returns the variable decides; statements before it are on the revoked path too.
 */
function variableOutcome(decl: ts.VariableDeclaration, name: string, keeps: boolean): RawOutcome {
  const stmt = decl.parent?.parent;
  if (!stmt || !ts.isVariableStatement(stmt)) return OTHER;
  const between: Node[] = [];
  for (const s of followingStatements(stmt)) {
    if (!references(s, name)) {
      between.push(s);
      continue;
    }
    const use = firstReference(s, name);
    if (!use) return OTHER;
    const inner = outcomeOfUse(use, keeps, 1);
    if (inner.kind === 'rejects')
      return { kind: 'rejects', regions: [...between, ...inner.regions], branch: inner.branch };
    if (inner.kind === 'returns')
      return {
        kind: 'returns',
        regions: [...between, ...inner.regions],
        revokedValue: inner.revokedValue,
      };
    // tested without deciding (if (hit) logger.warn(...)): on the path, keep looking
    between.push(s);
  }
  return OTHER;
}

function firstReference(root: Node, name: string): ts.Identifier | undefined {
  let found: ts.Identifier | undefined;
  walk(root, (n) => {
    if (found) return false;
    if (n !== root && isFunctionLike(n)) return false;
    if (
      ts.isIdentifier(n) &&
      n.text === name &&
      !(n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)
    )
      found = n;
    return !found;
  });
  return found;
}

export function followingStatements(stmt: Node): Node[] {
  const parent = stmt.parent;
  if (
    parent &&
    (ts.isBlock(parent) ||
      ts.isSourceFile(parent) ||
      ts.isCaseClause(parent) ||
      ts.isDefaultClause(parent))
  ) {
    const list = parent.statements as readonly Node[];
    return list.slice(list.indexOf(stmt) + 1);
  }
  return [];
}

function enclosingFunctionOf(node: Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunctionLike(n)) return n;
  return undefined;
}

/**
 * A NestJS guard's `canActivate` and a Passport strategy's `validate` reject the request by
 * returning a falsy value (403 / 401 from the framework).
 */
function rejectsByFalsyReturn(fn: FunctionNode | undefined): boolean {
  if (!fn) return false;
  const name = functionName(fn);
  if (name === 'canActivate') return true;
  if (name === 'validate') {
    const cls = enclosingClass(fn);
    return !!cls?.heritageClauses?.some((h) =>
      h.types.some(
        (t) =>
          ts.isCallExpression(unwrap(t.expression)) &&
          /PassportStrategy/.test(calleeName(unwrap(t.expression) as ts.CallExpression) ?? ''),
      ),
    );
  }
  return false;
}

const REJECTING_HELPER =
  /unauthori[sz]ed|forbidden|reject|deny|denied|redirect|abort|fail|notAllowed|revoked/i;

/** Does the revoked path reject the request, hand a constant back, or neither? */
function classify(regions: Node[], branch: Node[], fn: FunctionNode | undefined): RawOutcome {
  let rejects = false;
  let returned: boolean | undefined;
  const falsyRejects = rejectsByFalsyReturn(fn);
  for (const r of branch) {
    walk(r, (n) => {
      if (rejects) return false;
      if (n !== r && isFunctionLike(n)) return false;
      if (ts.isThrowStatement(n) || isResponseAssignment(n) || isResponseConstruction(n))
        rejects = true;
      else if (ts.isCallExpression(n)) {
        if (isResponseCall(n) || isKoaThrow(n) || isPropagationCall(n)) rejects = true;
        // a statement calling a helper that throws the HTTP error: `fail(401, '...')`
        else if (
          ts.isExpressionStatement(n.parent) &&
          (isThrowingHelperStatement(n.parent) || REJECTING_HELPER.test(calleeName(n) ?? ''))
        )
          rejects = true;
        // passport: done(null, false)
        else if (isDoneCall(n) && unwrap(n.arguments[1]).kind === SK.FalseKeyword) rejects = true;
      } else if (ts.isReturnStatement(n) && n.expression) {
        const e = unwrap(n.expression);
        const constant = constantOf(e);
        if (constant !== undefined) {
          if (falsyRejects && !constant) rejects = true;
          else if (returned === undefined) returned = constant;
        } else if (
          ts.isCallExpression(
            unwrap(e.kind === SK.AwaitExpression ? (e as ts.AwaitExpression).expression : e),
          )
        ) {
          const call = unwrap(ts.isAwaitExpression(e) ? e.expression : e) as ts.CallExpression;
          if (!isPassThroughCall(call) && REJECTING_HELPER.test(calleeName(call) ?? ''))
            rejects = true;
        }
      }
      return !rejects;
    });
    if (rejects) break;
  }
  if (rejects) return { kind: 'rejects', regions, branch };
  if (returned !== undefined) return { kind: 'returns', regions, revokedValue: returned };
  return OTHER;
}

function constantOf(e: ts.Expression): boolean | undefined {
  if (e.kind === SK.TrueKeyword) return true;
  if (e.kind === SK.FalseKeyword || e.kind === SK.NullKeyword) return false;
  if (ts.isIdentifier(e) && e.text === 'undefined') return false;
  if (ts.isNumericLiteral(e)) return Number(e.text) !== 0;
  return undefined;
}
