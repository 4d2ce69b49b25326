/**
 * How handlers answer a request, across frameworks: `res.status(401).json()`, `reply.code(401)`,
 * `ctx.status = 401`, `c.json(..., 401)`, `NextResponse.json(..., { status: 401 })`, and how
 * middleware lets a request through (`next()` with no error).
 */
import { ts, unwrap, unwrapAwait, memberName, receiverName, walk, type Node, SK } from './ast.js';

const RESPONSE_METHODS = new Set([
  'status',
  'sendStatus',
  'json',
  'send',
  'end',
  'redirect',
  'code',
  'text',
  'html',
  'writeHead',
  'body',
  'render',
  'unauthorized',
  'forbidden',
  'badRequest',
  'notFound',
]);
const RESPONDERS = /^(res|resp|response|reply|c|ctx|context|h|NextResponse|Response|rep)$/;

/**
 * Is this call the start or end of an HTTP response (`res.status(401)`, `reply.send()`,
 * `c.json()`)?
 */
export function isResponseCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const method = memberName(callee);
  if (!method || !RESPONSE_METHODS.has(method)) return false;
  // res.status(401).json(...): walk down to the root receiver
  let recv = unwrap((callee as ts.PropertyAccessExpression).expression);
  while (ts.isCallExpression(recv) && ts.isPropertyAccessExpression(unwrap(recv.expression)))
    recv = unwrap((unwrap(recv.expression) as ts.PropertyAccessExpression).expression);
  const name = receiverName(recv);
  return !!name && RESPONDERS.test(name);
}

/** `ctx.status = 401`, `ctx.body = {...}`, `res.statusCode = 401` (Koa / raw Node). */
export function isResponseAssignment(node: Node): boolean {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== SK.EqualsToken) return false;
  const left = unwrap(node.left);
  const name = memberName(left);
  if (name !== 'status' && name !== 'body' && name !== 'statusCode') return false;
  const recv = receiverName((left as ts.PropertyAccessExpression).expression);
  return !!recv && /^(ctx|context|res|response|reply)$/.test(recv);
}

/** `new Response(..., { status: 401 })` / `new NextResponse(...)`. */
export function isResponseConstruction(node: Node): boolean {
  return (
    ts.isNewExpression(node) &&
    ts.isIdentifier(unwrap(node.expression)) &&
    /^(Response|NextResponse|HttpResponse)$/.test((unwrap(node.expression) as ts.Identifier).text)
  );
}

/**
 * Project helpers that build a refusal: `unauthorized()`, `forbidden({ code })`,
 * `sendUnauthorized(res)`.
 */
const REFUSAL_HELPER = new RegExp(
  [
    '^(send|respond|reply|return|make|create)?(unauthori[sz]ed',
    'unauthenticated|forbidden|invalidCredentials|badCredentials|authFailed',
    'loginFailed|accessDenied|denied)(Response|Error|Reply)?$',
  ].join('|'),
  'i',
);
const REFUSAL_STATUS = new Set([401, 403]);

/**
 * `return unauthorized({ code })`, `return errorResponse(401, 'Invalid credentials')`: a handler
 * answering through a project helper that builds the 401/403 response. The helper is named for
 * the refusal, or is handed the status.
 */
export function isRefusalHelperReturn(node: Node): boolean {
  if (!ts.isReturnStatement(node) || !node.expression) return false;
  const e = unwrapAwait(node.expression);
  if (!ts.isCallExpression(e)) return false;
  const callee = unwrap(e.expression);
  const name = ts.isIdentifier(callee) ? callee.text : memberName(callee);
  if (name && REFUSAL_HELPER.test(name)) return true;
  return e.arguments.some((a) => isRefusalStatus(unwrap(a)));
}

function isRefusalStatus(e: ts.Expression): boolean {
  if (ts.isNumericLiteral(e)) return REFUSAL_STATUS.has(Number(e.text));
  if (!ts.isObjectLiteralExpression(e)) return false;
  return e.properties.some(
    (p) =>
      ts.isPropertyAssignment(p) &&
      ts.isIdentifier(p.name) &&
      /^(status|statusCode)$/.test(p.name.text) &&
      ts.isNumericLiteral(unwrap(p.initializer)) &&
      REFUSAL_STATUS.has(Number((unwrap(p.initializer) as ts.NumericLiteral).text)),
  );
}

/**
 * A statement that calls a project helper which throws the HTTP error for it:
 * `NcError.badRequest('Invalid credentials')`, `HttpErrors.unauthorized()`, `throwUnauthorized()`.
 * Recognised by name: a receiver named like an error class, or a function named `throw*`/`raise*`.
 */
export function isThrowingHelperStatement(node: Node): boolean {
  if (!ts.isExpressionStatement(node)) return false;
  const e = unwrapAwait(node.expression);
  if (!ts.isCallExpression(e)) return false;
  const callee = unwrap(e.expression);
  if (ts.isIdentifier(callee)) return /^(throw|raise)[A-Z]/.test(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const recv = receiverName(callee.expression) ?? '';
  return /(Error|Errors|Exception|Exceptions)$/.test(recv) && /^[A-Z]/.test(recv);
}

/** `next()` / `await next()` with no argument: lets the request through to the next handler. */
export function isPassThroughCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return ts.isIdentifier(callee) && callee.text === 'next' && call.arguments.length === 0;
}

/** Does a region respond or exit (return / throw / response) anywhere? */
export function respondsOrExits(root: Node): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (
      n !== root &&
      (ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isFunctionDeclaration(n))
    )
      return false;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) found = true;
    else if (ts.isCallExpression(n) && (isResponseCall(n) || isKoaThrow(n))) found = true;
    else if (isResponseAssignment(n) || isResponseConstruction(n)) found = true;
    return !found;
  });
  return found;
}

/** Koa's `ctx.throw(401, ...)` throws an HttpError: it is a `throw`. */
export function isKoaThrow(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'throw' &&
    /^(ctx|context)$/.test(receiverName(callee.expression) ?? '')
  );
}

/**
 * @fastify/sensible's `reply.unauthorized()`, `reply.notFound()`, `reply.badRequest()`: they send
 * an HTTP error through the instance's error handler, like a throw.
 */
const SENSIBLE_REPLIES = new RegExp(
  [
    '^(badRequest|unauthorized|forbidden|notFound|conflict|gone',
    'unprocessableEntity|tooManyRequests|preconditionFailed|paymentRequired',
    'notAcceptable|getHttpError)$',
  ].join('|'),
);

export function isSensibleReply(callee: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    SENSIBLE_REPLIES.test(callee.name.text) &&
    ts.isIdentifier(callee.expression) &&
    /^(reply|rep|res)$/.test(callee.expression.text)
  );
}
