/**
 * What a handler does, recorded per function so the endpoint rules can ask across files: does
 * it check a password, verify a refresh token, record anything on its success path, and which
 * of its branches reject bad credentials (and whether they leave a trace).
 */
import { PASSWORD_MODULES } from '../../libraries/passwords.js';
import {
  ts,
  unwrap,
  calleeName,
  receiverName,
  splitWords,
  isFunctionLike,
  memberName,
  type Node,
  SK,
} from '../ast.js';
import { modulePath, type Resolver } from '../values.js';
import {
  isResponseCall,
  isResponseAssignment,
  isResponseConstruction,
  isKoaThrow,
  isRefusalHelperReturn,
  isThrowingHelperStatement,
} from '../responses.js';

const CHECK_WORDS = new Set([
  'compare',
  'check',
  'verify',
  'valid',
  'validate',
  'match',
  'matches',
  'correct',
  'authenticate',
]);
const NOT_A_CHECK = new Set([
  'hash',
  'set',
  'reset',
  'update',
  'change',
  'forgot',
  'strength',
  'policy',
  'complexity',
  'format',
  'generate',
  'create',
  'encrypt',
  'rules',
  'requirements',
]);

/**
 * `bcrypt.compare(pw, hash)`, `argon2.verify(hash, pw)`, `user.comparePassword(pw)`,
 * `isPasswordValid(...)`.
 */
export function isPasswordCheck(call: ts.CallExpression, resolver: Resolver): boolean {
  const name = calleeName(call);
  if (!name) return false;
  const m = modulePath(resolver.evaluate(unwrap(call.expression)));
  if (m && PASSWORD_MODULES.has(m.source))
    return /^(compare|compareSync|verify|verifySync)$/.test(m.path[m.path.length - 1] ?? '');
  // passwordManager.compare(pw, hash), this.passwords.verify(hash, pw)
  const callee = unwrap(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee)
    ? receiverName(callee.expression)
    : undefined;
  if (
    receiver &&
    /passw|pwd|hasher|bcrypt|argon/i.test(receiver) &&
    /^(compare|compareSync|verify|check|validate|matches|match)$/.test(name)
  )
    return true;
  const words = splitWords(name);
  if (
    !words.some(
      (w) =>
        w === 'password' ||
        w === 'passwd' ||
        w === 'pwd' ||
        w === 'pass' ||
        w === 'passphrase' ||
        w === 'credentials',
    )
  )
    return false;
  return words.some((w) => CHECK_WORDS.has(w)) && !words.some((w) => NOT_A_CHECK.has(w));
}

const LOOKUP_CALL = new RegExp(
  [
    '^(find|get|fetch|load|lookup|select|query|read|retrieve|validate',
    'authenticate|verify|check|where$)',
  ].join('|'),
  'i',
);
// `entity` is Feathers' name for the user record of an authentication strategy
const USERISH =
  /user|account|member|admin|customer|person|principal|identity|login|credential|entity/i;

/**
 * `const user = await User.findOne({ email })`, `prisma.user.findUnique`,
 * `this.users.findByEmail(...)`.
 */
export function isUserLookup(init: ts.Expression): boolean {
  let e = unwrap(init);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  if (!ts.isCallExpression(e)) return false;
  const name = calleeName(e) ?? '';
  if (!LOOKUP_CALL.test(name) && !/^(findOne|findUnique|findFirst|findOneBy)$/.test(name))
    return false;
  // a user fetched by id or from the session is not a check of submitted credentials
  if (
    /By(Id|Pk|Uuid)$/i.test(name) ||
    e.arguments.some(
      (a) => !isFunctionLike(unwrap(a)) && /session|\bid\b|userId|params\.id/i.test(a.getText()),
    )
  )
    return false;
  const callee = unwrap(e.expression);
  const recv = ts.isPropertyAccessExpression(callee) ? callee.expression.getText() : '';
  return (
    USERISH.test(name) ||
    USERISH.test(recv) ||
    /^(findOne|findUnique|findFirst|findOneBy)$/.test(name)
  );
}

/**
 * Is this `if` a bad-credentials check, and which statements run when credentials are bad?
 * `if (!user)`, `if (!valid)`, `if (!(await bcrypt.compare(...)))`, `if (!user || !match)`, the
 * `else` of `if (user && await bcrypt.compare(...))`, or what follows `if (isMatch) return ...`.
 */
export function credentialFailure(
  stmt: ts.IfStatement,
  resolver: Resolver,
): { statements: readonly ts.Statement[]; what: 'user' | 'password' } | undefined {
  const negative = failureTest(stmt.expression, resolver, true);
  if (negative) return { statements: asStatements(stmt.thenStatement), what: negative };
  const positive = failureTest(stmt.expression, resolver, false);
  if (!positive) return undefined;
  if (stmt.elseStatement) return { statements: asStatements(stmt.elseStatement), what: positive };
  // if (isMatch) { return done(null, user); }  return done(null, false);
  const then = asStatements(stmt.thenStatement);
  const last = then[then.length - 1];
  const parent = stmt.parent;
  // only when the `then` branch is the success (`return done(null, user)`), not a rejection itself
  if (
    last &&
    ts.isReturnStatement(last) &&
    !rejectsOnly(then) &&
    (ts.isBlock(parent) || ts.isSourceFile(parent))
  ) {
    return { statements: statementsAfter(stmt), what: positive };
  }
  return undefined;
}

/**
 * `ctx.assert(user, 401, 'unknown user')` (Koa, http-assert): a statement that rejects when the
 * credentials are bad. Which check it is, or undefined.
 */
export function assertFailure(
  stmt: ts.ExpressionStatement,
  resolver: Resolver,
): 'user' | 'password' | undefined {
  let e = unwrap(stmt.expression);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  if (!ts.isCallExpression(e) || e.arguments.length < 2) return undefined;
  const callee = unwrap(e.expression);
  if (
    !ts.isPropertyAccessExpression(callee) ||
    callee.name.text !== 'assert' ||
    !/^(ctx|context)$/.test(receiverName(callee.expression) ?? '')
  )
    return undefined;
  return failureTest(e.arguments[0], resolver, false);
}

/**
 * What runs after a statement when it completes: its following siblings, or — at the end of an `if`
 * branch without `else` — what follows that `if` (`if (user) { if (ok) return; }
 * reply.status(401)`).
 */
function statementsAfter(stmt: ts.Statement): readonly ts.Statement[] {
  let current: ts.Node = stmt;
  for (let depth = 0; depth < 4; depth++) {
    const block = current.parent;
    if (!block || !(ts.isBlock(block) || ts.isSourceFile(block))) return [];
    const siblings = block.statements as readonly ts.Statement[];
    const rest = siblings.slice(siblings.indexOf(current as ts.Statement) + 1);
    if (rest.length > 0) return rest;
    const owner = block.parent;
    if (!owner || !ts.isIfStatement(owner) || owner.thenStatement !== block || owner.elseStatement)
      return [];
    current = owner;
  }
  return [];
}

/** A branch that answers with an error: a throw, a 4xx/5xx response, `done(null, false)`. */
function rejectsOnly(statements: readonly ts.Statement[]): boolean {
  return statements.some(
    (st) =>
      ts.isThrowStatement(st) ||
      (rejects(st) && /\b[45]\d\d\b|false\)|Unauthorized|Forbidden|Error/.test(st.getText())),
  );
}

function asStatements(stmt: ts.Statement): readonly ts.Statement[] {
  return ts.isBlock(stmt) ? stmt.statements : [stmt];
}

/**
 * With `negated`: does the condition hold when credentials are bad? Without: when they are good?
 */
function failureTest(
  cond: ts.Expression,
  resolver: Resolver,
  negated: boolean,
): 'user' | 'password' | undefined {
  const e = unwrap(cond);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if ((negated && op === SK.BarBarToken) || (!negated && op === SK.AmpersandAmpersandToken)) {
      return failureTest(e.left, resolver, negated) ?? failureTest(e.right, resolver, negated);
    }
    const isNullish = (x: ts.Expression) =>
      x.kind === SK.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
    const isFalse = (x: ts.Expression) => x.kind === SK.FalseKeyword;
    if (negated && (op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken)) {
      if (isNullish(unwrap(e.right)) || isFalse(unwrap(e.right))) return subject(e.left, resolver);
    }
    // if (same === true) return ...: the good-credentials test, written out
    if (
      !negated &&
      (op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken) &&
      unwrap(e.right).kind === SK.TrueKeyword
    )
      return subject(e.left, resolver);
    // rows.length < 1, rows.length === 0: a lookup that returns rows found none
    const left = unwrap(e.left);
    const right = numericLiteral(unwrap(e.right));
    if (negated && ts.isPropertyAccessExpression(left) && left.name.text === 'length') {
      const none =
        (op === SK.LessThanToken && right === 1) ||
        ((op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken) && right === 0);
      if (none) return subject(left.expression, resolver) === 'user' ? 'user' : undefined;
    }
    if (negated && (op === SK.ExclamationEqualsEqualsToken || op === SK.ExclamationEqualsToken)) {
      // user.password !== hash(password)
      if (
        /passw|hash/i.test(memberName(unwrap(e.left)) ?? '') ||
        /passw|hash/i.test(memberName(unwrap(e.right)) ?? '')
      )
        return 'password';
      if (e.right.kind === SK.TrueKeyword) return subject(e.left, resolver);
    }
    return undefined;
  }
  if (negated) {
    if (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken)
      return subject(e.operand, resolver);
    return undefined;
  }
  return subject(e, resolver);
}

/** What a tested value is: a password check's result, or a looked-up user. */
function subject(expr: ts.Expression, resolver: Resolver): 'user' | 'password' | undefined {
  let e = unwrap(expr);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  if (ts.isCallExpression(e))
    return isPasswordCheck(e, resolver) && !comparesToken(e) ? 'password' : undefined;
  if (
    ts.isPropertyAccessExpression(e) &&
    /^(valid|success|ok|match|isValid|authenticated)$/i.test(e.name.text)
  )
    return subject(e.expression, resolver) ?? undefined;
  // if (!user.password): an account without a password cannot log in with one
  if (
    ts.isPropertyAccessExpression(e) &&
    /^(password|passwordHash|hashedPassword|password_hash|hash)$/.test(e.name.text)
  )
    return subject(e.expression, resolver) === 'user' ? 'user' : undefined;
  if (!ts.isIdentifier(e)) return undefined;
  const decl = resolver.findDeclaration(e);
  if (decl && decl.kind === 'node' && ts.isParameter(decl.node))
    return callbackSubject(decl.node, e.text, resolver);
  // `const [user] = await users.find(...)`, `const { data: [user] } = ...`: the destructured
  // declaration
  if (decl && decl.kind === 'node' && ts.isBindingElement(decl.node)) {
    let declared: ts.Node = decl.node;
    while (
      ts.isBindingElement(declared) ||
      ts.isArrayBindingPattern(declared) ||
      ts.isObjectBindingPattern(declared)
    )
      declared = declared.parent;
    const init = ts.isVariableDeclaration(declared) ? declared.initializer : undefined;
    return init && isUserLookup(init) && USERISH.test(e.text) ? 'user' : undefined;
  }
  if (decl?.kind !== 'node' || !ts.isVariableDeclaration(decl.node) || !decl.node.initializer) {
    return /^(is)?(password|pass|pwd)?(valid|match(es|ed)?|correct|ok)(password|pass|pwd)?$/i.test(
      e.text,
    ) && /pass|pwd|match|valid/i.test(e.text)
      ? 'password'
      : undefined;
  }
  const init = decl.node.initializer;
  // `await bcrypt.compare(...)`, `user ? await verifyPassword(...) : false`, `user &&
  // bcrypt.compareSync(...)`
  if (containsPasswordCheck(init, resolver)) return 'password';
  if (isUserLookup(init) && USERISH.test(e.text)) return 'user';
  if (isUserLookup(init) && /^(found|existing|record|row|rows|result|u)$/i.test(e.text))
    return 'user';
  // any name, when the lookup is keyed by what a login form submits: `const acct = await
  // Account.findOne({ email })`
  if (isUserLookup(init) && /email|username|userName|login|phone|handle/.test(init.getText()))
    return 'user';
  return undefined;
}

/** `argon2.verify(user.refreshHash, refreshToken)`: a stored token, not a password. */
function comparesToken(call: ts.CallExpression): boolean {
  const text = call.arguments.map((a) => a.getText()).join(' ');
  return /refresh|renew|token/i.test(text) && !/passw|pwd/i.test(text);
}

function numericLiteral(e: ts.Expression): number | undefined {
  return ts.isNumericLiteral(e) ? Number(e.text) : undefined;
}

/**
 * A callback parameter holding a lookup's or a comparison's answer:
 * `User.findOne({ email }).then((user) => ...)`, `user.comparePassword(pw, (err, isMatch) => ...)`.
 */
function callbackSubject(
  param: ts.ParameterDeclaration,
  name: string,
  resolver: Resolver,
): 'user' | 'password' | undefined {
  const fn = param.parent;
  const call = fn?.parent;
  if (!isFunctionLike(fn) || !call || !ts.isCallExpression(call)) return undefined;
  const index = fn.parameters.indexOf(param);
  if (isPasswordCheck(call, resolver) && index >= 1) return 'password';
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'then' && index === 0) {
    const source = unwrap(callee.expression);
    if (ts.isCallExpression(source) && isPasswordCheck(source, resolver)) return 'password';
    if (
      isUserLookup(source) &&
      (USERISH.test(name) || /^(found|existing|record|row|result|u)$/i.test(name))
    )
      return 'user';
  }
  // lookups with a node-style callback: User.findOne({ email }, (err, user) => ...)
  if (index === 1 && isUserLookup(call) && USERISH.test(name)) return 'user';
  return undefined;
}

function containsPasswordCheck(root: ts.Expression, resolver: Resolver): boolean {
  let found = false;
  const visit = (n: Node): void => {
    if (found || isFunctionLike(n)) return;
    if (ts.isCallExpression(n) && isPasswordCheck(n, resolver) && !comparesToken(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(root);
  return found;
}

/**
 * The statement of a branch that rejects the request: a `throw`, a response (`res.status(401)`,
 * `reply.code(401)`, `ctx.status = 401`, `ctx.throw(401)`, `new Response(...)`), or a
 * strategy's `done(null, false)`. Undefined when the branch only returns a value to its caller.
 */
export function rejectingStatement(statements: readonly ts.Statement[]): ts.Statement | undefined {
  // An `if` that rejects only on its own condition (a lockout check after the failed compare) is
  // not the rejection when a later statement rejects unconditionally.
  let conditional: ts.Statement | undefined;
  for (const st of statements) {
    if (!rejects(st)) continue;
    if (
      ts.isIfStatement(st) &&
      !(st.elseStatement && rejects(st.elseStatement) && rejects(st.thenStatement))
    ) {
      conditional ??= st;
      continue;
    }
    return st;
  }
  return conditional;
}

/**
 * Branches are asked again for every call and callback inside them (inFailureBranch): answer each
 * once.
 */
const rejectsCache = new WeakMap<Node, boolean>();

function rejects(root: Node): boolean {
  let known = rejectsCache.get(root);
  if (known === undefined) rejectsCache.set(root, (known = rejectsUncached(root)));
  return known;
}

function rejectsUncached(root: Node): boolean {
  let found = false;
  const visit = (n: Node): void => {
    // tokens (identifiers, literals) neither refuse nor hold anything
    if (found || n.kind < SK.FirstNode) return;
    if (n !== root && isFunctionLike(n)) return;
    // a branch of an `if` nested in this one is asked on its own too: answer it once
    if (
      n !== root &&
      n.parent?.kind === SK.IfStatement &&
      n !== (n.parent as ts.IfStatement).expression
    ) {
      found = rejects(n);
      return;
    }
    if (rejectsHere(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(root);
  return found;
}

/** Does this node itself refuse (below it, rejectsUncached looks)? One kind test per node. */
function rejectsHere(n: Node): boolean {
  switch (n.kind) {
    case SK.ThrowStatement:
      return true;
    case SK.CallExpression: {
      const call = n as ts.CallExpression;
      return (
        isResponseCall(call) || isKoaThrow(call) || isStrategyFailure(call) || isErrorForward(call)
      );
    }
    case SK.BinaryExpression:
      return isResponseAssignment(n);
    case SK.NewExpression:
      return isResponseConstruction(n);
    case SK.ReturnStatement:
      return isRefusalHelperReturn(n);
    case SK.ExpressionStatement:
      return isThrowingHelperStatement(n) || isFailingHelperStatement(n);
    default:
      return false;
  }
}

/** passport's `done(null, false, { message })`: the strategy's "bad credentials". */
/** `fail(401, 'bad credentials')`, `unauthorized(res)`: a helper named for the refusal. */
function isFailingHelperStatement(n: Node): boolean {
  if (!ts.isExpressionStatement(n)) return false;
  let e = unwrap(n.expression);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  if (!ts.isCallExpression(e)) return false;
  return FAILING_HELPER.test(calleeName(e) ?? '');
}

const FAILING_HELPER = new RegExp(
  ['^(fail|abort|deny|unauthori[sz]ed|forbidden|badRequest', 'invalidCredentials)([A-Z_]|$)'].join(
    '|',
  ),
);

function isStrategyFailure(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee) || !/^(done|cb|callback|verified|next)$/.test(callee.text))
    return false;
  const [a, b] = call.arguments;
  return !!a && !!b && unwrap(a).kind === SK.NullKeyword && unwrap(b).kind === SK.FalseKeyword;
}

/**
 * `next(new Error('Invalid credentials'))`, `next(createError(401))`: the rejection itself here.
 */
function isErrorForward(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee) || callee.text !== 'next' || call.arguments.length === 0)
    return false;
  const a = unwrap(call.arguments[0]);
  return (
    ts.isNewExpression(a) ||
    (ts.isCallExpression(a) && /error|unauthori[sz]ed|forbidden/i.test(calleeName(a) ?? ''))
  );
}

/**
 * Is a node on a failure path of its function: inside a `catch`, a `.catch()` handler, or an
 * `if` branch that rejects (`if (!stored) return res.status(401)...`)?
 */
export function inFailureBranch(node: Node): boolean {
  for (let n: Node | undefined = node, child: Node | undefined; n; child = n, n = n.parent) {
    if (isFunctionLike(n)) return isRejectionHandler(n);
    if (ts.isCatchClause(n)) return true;
    if (ts.isIfStatement(n) && child && child !== n.expression && rejects(child)) return true;
  }
  return false;
}

/** A `.catch(err => ...)` or `.then(_, err => ...)` handler. */
function isRejectionHandler(fn: Node): boolean {
  const call = fn.parent;
  if (call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(unwrap(call.expression))) {
    const m = (unwrap(call.expression) as ts.PropertyAccessExpression).name.text;
    if (m === 'catch' || (m === 'then' && call.arguments[1] === fn)) return true;
  }
  return false;
}

/** Spelled in every file that can compare a password (isPasswordCheck). */
export const PASSWORD_TEXT = /passw|pwd|bcrypt|argon|credential/i;

export const USAGE_FIELD = new RegExp(
  [
    'last.?used|used.?at|last.?refresh|refreshed.?at|rotated.?at|usage',
    'use.?count|last.?seen|last.?activity|last.?login',
  ].join('|'),
  'i',
);

/** Query clauses that read or filter on fields: a usage field named there records nothing. */
const READ_CLAUSES = new Set([
  'select',
  'include',
  'where',
  'orderBy',
  'omit',
  'distinct',
  'cursor',
  'attributes',
  'projection',
]);

/**
 * Tracked usage: `session.update({ lastUsedAt: new Date() })`, `db.tokens.update({ where, data: {
 * rotatedAt } })`.
 */
export function tracksUsage(call: ts.CallExpression): boolean {
  let found = false;
  const visit = (n: Node): void => {
    if (found) return;
    if (
      (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) &&
      ts.isIdentifier(n.name) &&
      USAGE_FIELD.test(n.name.text)
    )
      found = true;
    // `select: { lastUsedTime: true }` reads the field, `where: { lastUsedAt }` filters on it:
    // neither records a use
    else if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && READ_CLAUSES.has(n.name.text))
      return;
    else if (!isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  for (const a of call.arguments) visit(a);
  return found;
}

/**
 * A verification of a refresh token: its arguments mention one (`refreshToken`,
 * `cookies.refresh_token`, `REFRESH_SECRET`).
 */
export function mentionsRefresh(call: ts.CallExpression, sf: ts.SourceFile): boolean {
  return call.arguments.some((a) => /refresh/i.test(a.getText(sf)));
}

/**
 * `verifyRefreshToken(rt)`, `this.tokens.validateRefresh(...)`: a project function named for it.
 */
export function namedRefreshVerifier(call: ts.CallExpression): boolean {
  const name = calleeName(call) ?? '';
  // asked of every project call: most names do not have the word at all
  if (!/refresh/i.test(name)) return false;
  const words = splitWords(name);
  return (
    words.includes('refresh') &&
    words.some((w) => w === 'verify' || w === 'validate' || w === 'decode' || w === 'check')
  );
}

export type { receiverName };
