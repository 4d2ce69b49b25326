/**
 * Revocation state that is not a named denylist (SPEC `unlogged-revocation-hit` (b) and (c)):
 *
 *   Token.findOne({ token, blacklisted: false })            (b) a filter on a revocation field
 *   repo.findOne({ where: { jti, revokedAt: IsNull() } })    (b) TypeORM IsNull()
 *   knex('tokens').where({ token }).whereNull('revoked_at')  (b) a Knex / Drizzle null test
 *   if (row.revokedAt) return res.sendStatus(401)            (b) the field read in a condition
 *   sessions.findOne({ id: payload.sid })  -> not found      (c) an allowlist keyed by a claim
 *   RefreshToken.findOne({ where: { token: presented } })    (c) ... or by the token's value
 *   argon2.verify(user.refreshHash, refreshToken)            (c) a stored hash of the token
 *   if (user.refreshToken !== refreshToken)                  (c) a stored token compared
 *
 * Only where the revoked (or not-found) path rejects the request: a lookup whose answer is only
 * returned is not a check. Keys must come from a token (a claim such as `sid` / `jti`, or a
 * refresh-token value): a user looked up by e-mail in a login handler is not an allowlist, and
 * neither are one-time codes (e-mail confirmation, password reset, CSRF).
 */
import {
  ts,
  unwrap,
  walk,
  calleeName,
  memberName,
  enclosingFunction,
  functionName,
  isTypeOnly,
  type Node,
  SK,
  NO_TOKENS,
} from './ast.js';
import type { FileContext } from './context.js';
import { outcomeOfUse, type RawOutcome } from './denylist-outcome.js';
import { modulePath, propName } from './values.js';
import {
  REVOKED_FIELD,
  LIVE_FIELD,
  TOKEN_RECORD,
  CLAIM_NAME,
  REFRESH_NAME,
  TOKEN_VALUE_NAME,
  NOT_SESSION_TOKEN,
  ALLOWLIST_CALL,
  NOT_A_LOOKUP,
  REQUEST_LIKE,
  HASH_COMPARE_MODULES,
  HASH_COMPARE_CALL,
  HTTP_CLIENT,
} from '../libraries/revocation-state.js';

export interface StateLookup {
  node: ts.Expression;
  store: string;
  how: 'field' | 'allowlist';
  outcome: RawOutcome & { kind: 'rejects' };
  /**
   * The rejection hands an HTTP error to the framework's error handler, as a `throw` does:
   * @fastify/sensible's `reply.unauthorized()` (answered through the error handler, which logs it
   * when the instance has a logger).
   */
  propagates?: string;
}

const SENSIBLE_ERRORS = new RegExp(
  [
    '^(unauthorized|forbidden|badRequest|notFound|conflict|gone',
    'preconditionFailed|tooManyRequests|internalServerError)$',
  ].join('|'),
);

/** `reply.unauthorized()` in the rejecting branch. */
function sensibleRejection(branch: readonly Node[]): string | undefined {
  let found: string | undefined;
  for (const b of branch)
    walk(b, (n) => {
      if (found) return false;
      if (ts.isCallExpression(n)) {
        const callee = unwrap(n.expression);
        if (
          ts.isPropertyAccessExpression(callee) &&
          SENSIBLE_ERRORS.test(callee.name.text) &&
          /^(reply|rep)$/.test(unwrap(callee.expression).getText())
        )
          found = unwrap(n.expression).getText();
      }
      return true;
    });
  return found;
}

type Resolver = FileContext['resolver'];

/**
 * Every (b)/(c) check of the file whose revoked path rejects. `calls`: the file's calls in
 * source order; `known`: nodes already read as denylist lookups.
 */
export function revocationStateLookups(
  sf: ts.SourceFile,
  ctx: FileContext,
  calls: readonly ts.CallExpression[],
  known: (node: Node) => boolean,
): StateLookup[] {
  const out: StateLookup[] = [];
  const { resolver } = ctx;
  const add = (node: ts.Expression, store: string, how: StateLookup['how'], revoked: boolean) => {
    if (known(node)) return;
    const raw = outcomeOfUse(node, revoked);
    const outcome =
      (raw.kind === 'returns' && !raw.revokedValue) || raw.kind === 'other'
        ? anonymousReturn(node)
        : raw;
    if (outcome?.kind !== 'rejects') return;
    // "invalid or expired link": a one-time code, not a session
    if (outcome.branch.some((b) => ONE_TIME_CODE.test(b.getText(sf)))) return;
    // "already logged out" answered 200: not a rejection
    if (outcome.branch.some((b) => SUCCESS_STATUS.test(b.getText(sf)))) return;
    const propagates = sensibleRejection(outcome.branch);
    out.push({ node, store, how, outcome, ...(propagates ? { propagates } : {}) });
  };
  for (const call of calls) {
    const name = calleeName(call);
    if (!name) continue;
    const parent = call.parent;
    // the end of a query chain, or a mongoose finisher after it (`findOne(q).lean()`)
    const isChainEnd = !(
      parent &&
      ts.isPropertyAccessExpression(parent) &&
      parent.parent &&
      ts.isCallExpression(parent.parent) &&
      !FINISHERS.test(parent.name.text)
    );
    if (!isChainEnd || inSkippedFunction(call)) continue;
    const found = lookupOf(call, name, resolver);
    if (found) add(call, found.store, found.how, found.revokedWhenFound);
  }
  // fields read in a condition, stored tokens compared with the presented one
  walk(
    sf,
    (n) => {
      // types hold neither (and are a good part of a TypeScript file's nodes); kind compares, not
      // ts.isX (see SK): this runs for every node
      if (isTypeOnly(n)) return false;
      // the cheap tests first: inSkippedFunction walks up, and binary chains can be deep
      if (n.kind === SK.PropertyAccessExpression) {
        const pa = n as ts.PropertyAccessExpression;
        const field = pa.name.text;
        const revoked = REVOKED_FIELD.test(field);
        if ((revoked || LIVE_FIELD.test(field)) && !inSkippedFunction(pa)) {
          const recv = chainNames(pa.expression, resolver, 0);
          const root = recv[recv.length - 1] ?? '';
          const tokenRecord = recv.some((r) => TOKEN_RECORD.test(r));
          if (!REQUEST_LIKE.test(root) && (revoked || tokenRecord) && isTest(pa))
            add(pa, field, 'field', revoked);
        }
      } else if (n.kind === SK.BinaryExpression) {
        const bin = n as ts.BinaryExpression;
        const op = bin.operatorToken.kind;
        const negated = op === SK.ExclamationEqualsEqualsToken || op === SK.ExclamationEqualsToken;
        if (!negated && op !== SK.EqualsEqualsEqualsToken && op !== SK.EqualsEqualsToken) return;
        if (inSkippedFunction(bin)) return;
        const stored = storedTokenComparison(bin, resolver);
        if (stored) add(bin, stored, 'allowlist', negated);
      }
    },
    NO_TOKENS,
  );
  return out;
}

/** What a rejection says when the key was a one-time code. */
const ONE_TIME_CODE = /verif|reset|confirm|invit|activat|\blink\b|\botp\b|one.time/i;
const SUCCESS_STATUS = /\b(status|code|sendStatus)\(\s*2\d\d\s*\)/;
const FINISHERS = /^(lean|exec|select|populate|orFail)$/;
const TEST_OPERATORS = new Set<ts.SyntaxKind>([
  SK.AmpersandAmpersandToken,
  SK.BarBarToken,
  SK.QuestionQuestionToken,
  SK.EqualsEqualsEqualsToken,
  SK.ExclamationEqualsEqualsToken,
  SK.EqualsEqualsToken,
  SK.ExclamationEqualsToken,
  SK.LessThanToken,
  SK.GreaterThanToken,
]);

/**
 * A lookup filtered on a revocation field (`whereNull('revoked_at')`, `revokedAt: IsNull()`), read
 * before the name-based denylist lookups: a store named `revoked_*` filtered to live rows finds
 * the *live* ones, so a found row is not the hit.
 */
export function fieldFilterLookup(
  call: ts.CallExpression,
  ctx: FileContext,
): StateLookup | undefined {
  const name = calleeName(call);
  if (!name || inSkippedFunction(call)) return undefined;
  const found = lookupOf(call, name, ctx.resolver);
  if (found?.how !== 'field') return undefined;
  const outcome = outcomeOfUse(call, found.revokedWhenFound);
  return outcome.kind === 'rejects'
    ? { node: call, store: found.store, how: 'field', outcome }
    : undefined;
}

/**
 * `const live = sessions.find(...); if (!live) return null;` in a function that verifies the
 * token: the caller gets no user, so the token is refused (anonymous) — a rejection. Only where
 * the same function verifies the token (`jwtVerify`, `jwt.verify`, `verifyWithKeyring(...)`).
 */
function anonymousReturn(lookup: ts.Expression): (RawOutcome & { kind: 'rejects' }) | undefined {
  let n: Node = lookup;
  while (n.parent && (ts.isAwaitExpression(n.parent) || ts.isParenthesizedExpression(n.parent)))
    n = n.parent;
  const decl = n.parent;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return undefined;
  const name = decl.name.text;
  const fn = enclosingFunction(decl);
  const stmt = decl.parent?.parent;
  const block = stmt?.parent;
  if (!fn?.body || !stmt || !block || !ts.isBlock(block)) return undefined;
  if (!/(\bverify\w*|jwtVerify|jwtDecrypt|\.verify)\s*[<(]/.test(fn.body.getText()))
    return undefined;
  const rest = block.statements.slice(block.statements.indexOf(stmt as ts.Statement) + 1);
  for (const st of rest) {
    if (!ts.isIfStatement(st)) continue;
    if (!new RegExp(`!\\s*${name}\\b`).test(st.expression.getText())) continue;
    const then = ts.isBlock(st.thenStatement) ? st.thenStatement.statements : [st.thenStatement];
    const last = then[then.length - 1];
    if (!last || !ts.isReturnStatement(last) || !last.expression) return undefined;
    const e = unwrap(last.expression);
    const falsy =
      e.kind === SK.NullKeyword ||
      e.kind === SK.FalseKeyword ||
      (ts.isObjectLiteralExpression(e) &&
        e.properties.some(
          (p) => ts.isPropertyAssignment(p) && unwrap(p.initializer).kind === SK.NullKeyword,
        ));
    return falsy ? { kind: 'rejects', regions: [...then], branch: [...then] } : undefined;
  }
  return undefined;
}

/** A use of a value that decides something (an `if`, `!x`, `x && ...`), not a write or a copy. */
function isTest(n: ts.PropertyAccessExpression): boolean {
  let e: Node = n;
  while (
    e.parent &&
    (ts.isParenthesizedExpression(e.parent) ||
      ts.isPrefixUnaryExpression(e.parent) ||
      (ts.isBinaryExpression(e.parent) && TEST_OPERATORS.has(e.parent.operatorToken.kind)))
  )
    e = e.parent;
  const p = e.parent;
  return (
    !!p &&
    ((ts.isIfStatement(p) && p.expression === e) ||
      (ts.isConditionalExpression(p) && p.condition === e))
  );
}

/** Functions about one-time codes (`verifyEmail`, `resetPassword`): no session state in them. */
function inSkippedFunction(node: Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const name = functionName(fn);
    if (!name) continue;
    return NOT_SESSION_TOKEN.test(name) && !REFRESH_NAME.test(name);
  }
  return false;
}

/**
 * The names an expression is spelled with, following a local variable to its initializer once:
 * `payload.sid` -> [sid, payload]; `presented` (= req.body.renewalCode) -> [presented,
 * renewalCode, body, req]; `` `refresh:${id}` `` -> [refresh, id].
 */
function chainNames(expr: ts.Expression, resolver: Resolver, depth: number): string[] {
  const out: string[] = [];
  let e = unwrap(expr);
  for (let i = 0; i < 10; i++) {
    if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
    else if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const name = memberName(e);
      if (name) out.push(name);
      e = unwrap(e.expression);
    } else if (ts.isCallExpression(e)) {
      const name = calleeName(e);
      if (name) out.push(name);
      const callee = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(callee)) break;
      e = unwrap(callee.expression);
    } else if (ts.isTemplateExpression(e)) {
      out.push(...e.head.text.split(/[^A-Za-z0-9_]+/).filter(Boolean));
      for (const s of e.templateSpans) {
        out.push(...chainNames(s.expression, resolver, depth + 1));
        out.push(...s.literal.text.split(/[^A-Za-z0-9_]+/).filter(Boolean));
      }
      break;
    } else if (ts.isIdentifier(e)) {
      out.push(e.text);
      if (depth < 2) out.push(...initializerNames(e, resolver, depth));
      break;
    } else break;
  }
  return out;
}

/** `const x = req.body.token` / `const { token } = req.body`: the initializer's names. */
function initializerNames(id: ts.Identifier, resolver: Resolver, depth: number): string[] {
  const decl = resolver.findDeclaration(id);
  if (decl?.kind !== 'node') return [];
  let node: Node = decl.node;
  const names: string[] = [];
  while (ts.isBindingElement(node)) {
    if (node.propertyName) names.push(propName(node.propertyName) ?? '');
    node = node.parent.parent;
  }
  if (ts.isVariableDeclaration(node) && node.initializer)
    names.push(...chainNames(node.initializer, resolver, depth + 1));
  return names;
}

/** What made a value a session key: a refresh token, a claim, a token value; else undefined. */
function tokenKey(names: readonly string[]): string | undefined {
  const refresh = names.find((n) => REFRESH_NAME.test(n));
  if (refresh) return refresh;
  if (names.some((n) => NOT_SESSION_TOKEN.test(n))) return undefined;
  return names.find((n) => CLAIM_NAME.test(n) || TOKEN_VALUE_NAME.test(n));
}

function isLiteral(e: ts.Expression): boolean {
  const u = unwrap(e);
  return (
    ts.isStringLiteralLike(u) ||
    ts.isNumericLiteral(u) ||
    u.kind === SK.TrueKeyword ||
    u.kind === SK.FalseKeyword ||
    u.kind === SK.NullKeyword ||
    (ts.isIdentifier(u) && u.text === 'undefined')
  );
}

interface Pair {
  key?: string;
  value: ts.Expression;
}

/**
 * The value of a column tested null, and of one tested not null: made once (read, never changed),
 * not per lookup.
 */
const NULL = ts.factory.createNull();
const NOT_NULL = ts.factory.createTrue();

/**
 * Key/value pairs of a lookup's filters: object literals (into `where` / `filter`), Drizzle's
 * `and(eq(col, v), isNull(col))`, Knex's `.where('col', v)` / `.whereNull('col')` along the chain.
 */
function filterPairs(call: ts.CallExpression): Pair[] {
  const pairs: Pair[] = [];
  const fromArg = (arg: ts.Expression, depth: number): void => {
    const a = unwrap(arg);
    if (depth > 3) return;
    if (ts.isObjectLiteralExpression(a)) {
      for (const p of a.properties) {
        const key = p.name ? propName(p.name as ts.PropertyName) : undefined;
        if (ts.isShorthandPropertyAssignment(p)) pairs.push({ key, value: p.name });
        else if (ts.isPropertyAssignment(p)) {
          const v = unwrap(p.initializer);
          if (key && /^(where|filter|query|\$and|AND)$/.test(key)) fromArg(v, depth + 1);
          else if (ts.isArrayLiteralExpression(v) && key && /^(\$and|AND)$/.test(key))
            for (const el of v.elements) fromArg(el, depth + 1);
          else pairs.push({ key, value: v });
        }
      }
      return;
    }
    if (ts.isArrayLiteralExpression(a)) {
      for (const el of a.elements) fromArg(el, depth + 1);
      return;
    }
    if (ts.isCallExpression(a)) {
      const name = calleeName(a) ?? '';
      if (/^(and|or)$/.test(name)) for (const x of a.arguments) fromArg(x, depth + 1);
      else if (/^(eq|equals)$/.test(name) && a.arguments.length === 2)
        pairs.push({ key: memberName(unwrap(a.arguments[0])), value: a.arguments[1] });
      else if (/^isNull$/i.test(name) && a.arguments.length === 1)
        pairs.push({ key: memberName(unwrap(a.arguments[0])), value: NULL });
      else if (/^isNotNull$/i.test(name) && a.arguments.length === 1)
        pairs.push({ key: memberName(unwrap(a.arguments[0])), value: NOT_NULL });
      else pairs.push({ value: a });
      return;
    }
    pairs.push({ value: a });
  };
  for (const a of call.arguments) fromArg(a, 0);
  // the query chain below the call: knex('t').where({ token }).whereNull('revoked_at').first()
  let e: ts.Expression = unwrap(call.expression);
  for (let i = 0; i < 10 && ts.isPropertyAccessExpression(e); i++) {
    const inner = unwrap(e.expression);
    if (!ts.isCallExpression(inner)) break;
    const name = calleeName(inner) ?? '';
    const [first, second, third] = inner.arguments;
    const col = first && ts.isStringLiteralLike(unwrap(first)) ? unwrap(first) : undefined;
    const colName = col ? (col as ts.StringLiteralLike).text.split('.').pop() : undefined;
    if (/^(where|andWhere)$/.test(name) && colName && second)
      pairs.push({ key: colName, value: third ?? second });
    else if (/^(where|andWhere|filter|find|match)$/.test(name)) fromArg(first ?? NULL, 0);
    else if (/^(whereNull|andWhereNull)$/.test(name) && colName)
      pairs.push({ key: colName, value: NULL });
    else if (/^(whereNotNull|andWhereNotNull)$/.test(name) && colName)
      pairs.push({ key: colName, value: NOT_NULL });
    e = unwrap(inner.expression);
  }
  return pairs;
}

/** null / false / IsNull() / { equals: null }: 'null'; true / Not(IsNull()) / { not: null }. */
function stateValue(v: ts.Expression): 'unset' | 'set' | undefined {
  const u = unwrap(v);
  if (u.kind === SK.NullKeyword || u.kind === SK.FalseKeyword) return 'unset';
  if (ts.isIdentifier(u) && u.text === 'undefined') return 'unset';
  if (u.kind === SK.TrueKeyword) return 'set';
  if (ts.isNumericLiteral(u)) return Number(u.text) === 0 ? 'unset' : 'set';
  if (ts.isCallExpression(u)) {
    const name = calleeName(u) ?? '';
    if (/^isNull$/i.test(name)) return 'unset';
    if (name === 'Not' && u.arguments[0]) {
      const inner = stateValue(u.arguments[0]);
      return inner === 'unset' ? 'set' : inner === 'set' ? 'unset' : undefined;
    }
  }
  if (ts.isObjectLiteralExpression(u) && u.properties.length === 1) {
    const p = u.properties[0];
    if (!ts.isPropertyAssignment(p)) return undefined;
    const key = propName(p.name);
    const inner = stateValue(p.initializer);
    if (!inner) return undefined;
    if (key === 'equals' || key === '$eq' || key === 'is') return inner;
    if (key === 'not' || key === '$ne') return inner === 'unset' ? 'set' : 'unset';
    if (key === '$exists') return inner === 'set' ? 'set' : 'unset';
  }
  return undefined;
}

type LookupAnswer = { store: string; how: StateLookup['how']; revokedWhenFound: boolean };

/**
 * lookupOf's answers per file (by its resolver) and call: denylists.ts asks through
 * fieldFilterLookup for every method call, and revocationStateLookups again for most of them.
 * The answer depends on the call alone (`name` is its calleeName; null: none).
 */
const lookupAnswers = new WeakMap<Resolver, Map<ts.CallExpression, LookupAnswer | null>>();

function lookupOf(
  call: ts.CallExpression,
  name: string,
  resolver: Resolver,
): LookupAnswer | undefined {
  let answers = lookupAnswers.get(resolver);
  if (!answers) lookupAnswers.set(resolver, (answers = new Map()));
  let answer = answers.get(call);
  if (answer === undefined) {
    answer = computeLookupOf(call, name, resolver) ?? null;
    answers.set(call, answer);
  }
  return answer ?? undefined;
}

/**
 * A revocation filter or an allowlist key of a lookup call, with what a found row means
 * (`revokedWhenFound`).
 */
function computeLookupOf(
  call: ts.CallExpression,
  name: string,
  resolver: Resolver,
): LookupAnswer | undefined {
  const callee = unwrap(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  const recv = receiver ? chainNames(receiver, resolver, 0) : [];
  const root = recv[recv.length - 1] ?? '';
  // argon2.verify(user.refreshHash, refreshToken): the stored hash of the rotated token
  if (HASH_COMPARE_CALL.test(name) && call.arguments.length >= 2) {
    const m = modulePath(resolver.evaluate(call.expression));
    if ((m && HASH_COMPARE_MODULES.has(m.source)) || /bcrypt|argon/i.test(root)) {
      const keys = call.arguments.map((a) => chainNames(a, resolver, 0));
      if (keys.some((k) => k.some((n) => /password|passwd|pin$|secret/i.test(n)))) return undefined;
      const key = keys.map(tokenKey).find((k) => k !== undefined);
      if (key && keys.some((k) => k.some((n) => REFRESH_NAME.test(n) || /token/i.test(n))))
        return { store: shortText(call.arguments[0]), how: 'allowlist', revokedWhenFound: false };
    }
    return undefined;
  }
  if (REQUEST_LIKE.test(root) || recv.some((r) => NOT_SESSION_TOKEN.test(r))) return undefined;
  // sessions.find((s) => s.id === payload.sid)
  if (/^(find|some|findIndex)$/.test(name) && call.arguments.length === 1) {
    const fn = unwrap(call.arguments[0]);
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
    let claim: string | undefined;
    walk(fn.body, (n) => {
      if (claim) return false;
      if (ts.isPropertyAccessExpression(n) && CLAIM_NAME.test(n.name.text)) {
        const r = chainNames(n.expression, resolver, 0);
        if (r.some((x) => /payload|claims|decoded|token|jwt|verified|auth/i.test(x)))
          claim = n.name.text;
      }
      return true;
    });
    return claim ? { store: claim, how: 'allowlist', revokedWhenFound: false } : undefined;
  }
  if (NOT_A_LOOKUP.test(name) || !ALLOWLIST_CALL.test(name)) return undefined;
  if (recv.some((r) => HTTP_CLIENT.test(r))) return undefined;
  const pairs = filterPairs(call);
  const tokenRecord =
    recv.some((r) => TOKEN_RECORD.test(r)) ||
    pairs.some((p) => p.key && (CLAIM_NAME.test(p.key) || REFRESH_NAME.test(p.key)));
  let key: string | undefined;
  for (const p of pairs) {
    if (p.key && (REVOKED_FIELD.test(p.key) || (tokenRecord && LIVE_FIELD.test(p.key)))) {
      const state = stateValue(p.value);
      if (!state) continue;
      const live = REVOKED_FIELD.test(p.key) ? state === 'unset' : state === 'set';
      return { store: p.key, how: 'field', revokedWhenFound: !live };
    }
    if (key || isLiteral(p.value)) continue;
    const all = [...(p.key ? [p.key] : []), ...chainNames(p.value, resolver, 0)];
    if (all.some((n) => HTTP_CLIENT.test(n))) return undefined;
    // a member is what it names: `refreshTokenDoc.user` is a user id, `claims.sid` a claim
    const v = unwrap(p.value);
    const own =
      ts.isPropertyAccessExpression(v) || ts.isElementAccessExpression(v)
        ? memberName(v)
        : undefined;
    if (own && !REFRESH_NAME.test(own) && all.some((n) => NOT_SESSION_TOKEN.test(n))) continue;
    const names = own ? [...(p.key ? [p.key] : []), own] : all;
    // named by the value as written (`claims.sid`, `refreshToken`)
    if (tokenKey(names)) key = shortText(p.value);
  }
  return key ? { store: key, how: 'allowlist', revokedWhenFound: false } : undefined;
}

/**
 * `user.refreshToken !== refreshToken`, `stored !== token` (stored = await redis.get(...)): a
 * stored token compared with the presented one. Returns the stored side's name.
 */
function storedTokenComparison(n: ts.BinaryExpression, resolver: Resolver): string | undefined {
  if (isLiteral(n.left) || isLiteral(n.right)) return undefined;
  const l = unwrap(n.left);
  const r = unwrap(n.right);
  if (ts.isTypeOfExpression(l) || ts.isTypeOfExpression(r)) return undefined;
  const left = chainNames(l, resolver, 0);
  const right = chainNames(r, resolver, 0);
  const lk = tokenKey(left);
  const rk = tokenKey(right);
  if (!lk || !rk || l.getText() === r.getText()) return undefined;
  // claims compared with each other (`payload.sid === session.sid`) are not a token value
  const valueLike = (names: string[]) =>
    names.some((x) => REFRESH_NAME.test(x) || TOKEN_VALUE_NAME.test(x) || /token$/i.test(x));
  if (!valueLike(left) || !valueLike(right)) return undefined;
  return shortText(ts.isPropertyAccessExpression(l) ? l : r);
}

function shortText(e: ts.Expression): string {
  const text = unwrap(e).getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
