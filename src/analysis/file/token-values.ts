/**
 * Does an expression carry a whole token? The Authorization header, a value derived from it
 * without truncation, a variable or property named like a token, or the result of signing one.
 * Truncation to a few characters, hashing and explicit mask/redact calls make it safe.
 */
import {
  ts,
  unwrap,
  memberName,
  splitWords,
  calleeName,
  numericValue,
  staticString,
  type Node,
  SK,
} from './ast.js';
import { classifyJwtCall, isJoseSignChain } from '../libraries/jwt-apis.js';
import type { Resolver } from './values.js';

export interface TokenValue {
  /**
   * What is logged, for the message: `req.headers.authorization`, `refreshToken`, `jwt.sign(...)`.
   */
  what: string;
  /** Where the value came from (a declaration or the expression itself). */
  source: Node;
}

const TOKEN_LAST_WORDS = new Set([
  'token',
  'jwt',
  'bearer',
  'accesstoken',
  'refreshtoken',
  'idtoken',
]);
const NOT_A_CREDENTIAL = new Set([
  'csrf',
  'xsrf',
  'page',
  'cursor',
  'fcm',
  'push',
  'device',
  'cancellation',
  'cancel',
  'continuation',
  'sync',
  'hashed',
  'masked',
  'redacted',
  'truncated',
  'short',
  'decoded',
  'parsed',
  'verified',
  'invalid',
  'missing',
  'expired',
  'has',
  'is',
  'no',
  'type',
  'lexer',
  'next',
  'prev',
  'pagination',
  'notification',
  'recaptcha',
  'captcha',
  'turnstile',
]);
const SAFE_CALLS = new RegExp(
  [
    'mask|redact|truncate|obfuscate|anonymi[sz]e|censor|hash|sha\\d*|digest',
    'fingerprint|hmac|sanitize|scrub|preview|shorten|abbreviate',
  ].join('|'),
  'i',
);
const PASS_THROUGH_METHODS = new Set([
  'split',
  'replace',
  'replaceAll',
  'trim',
  'trimStart',
  'trimEnd',
  'toString',
  'valueOf',
  'at',
  'concat',
  'padEnd',
  'padStart',
  'normalize',
]);
const MAX_SAFE_PREFIX = 20;

export function isTokenName(name: string): boolean {
  const words = splitWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  if (!TOKEN_LAST_WORDS.has(last)) return false;
  return !words.some((w) => NOT_A_CREDENTIAL.has(w));
}

export function tokenValue(
  expr: ts.Expression,
  resolver: Resolver,
  sf: ts.SourceFile,
  depth = 0,
): TokenValue | undefined {
  if (depth > 8) return undefined;
  const e = unwrap(expr);
  const text = () => shortText(e, sf);
  if (ts.isAwaitExpression(e)) return tokenValue(e.expression, resolver, sf, depth + 1);
  if (ts.isIdentifier(e)) {
    const decl = resolver.findDeclaration(e);
    const init =
      decl && decl.kind === 'node' && ts.isVariableDeclaration(decl.node)
        ? decl.node.initializer
        : undefined;
    if (init) {
      if (isSanitised(init, resolver, sf)) return undefined;
      const derived = tokenValue(init, resolver, sf, depth + 1);
      if (derived) return { what: e.text, source: decl!.kind === 'node' ? decl!.node : e };
    }
    // a constant names a token kind, it is not one: `const REFRESH_TOKEN = 'refresh_token'`
    if (init && isLiteral(init)) return undefined;
    if (/^[A-Z][A-Z0-9_]*$/.test(e.text)) return undefined;
    if (isTokenName(e.text))
      return { what: e.text, source: decl && decl.kind === 'node' ? decl.node : e };
    return undefined;
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e);
    if (
      name &&
      /^authorization$/i.test(name) &&
      /headers?$/i.test(
        memberName(unwrap(e.expression)) ??
          (ts.isIdentifier(unwrap(e.expression))
            ? (unwrap(e.expression) as ts.Identifier).text
            : ''),
      )
    ) {
      return { what: text(), source: e };
    }
    if (name && isTokenName(name) && !isConstantMember(e, resolver))
      return { what: text(), source: e };
    // split(' ')[1] of a token is the token
    if (ts.isElementAccessExpression(e) && !name)
      return tokenValue(e.expression, resolver, sf, depth + 1);
    return undefined;
  }
  if (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    const method = memberName(callee);
    // req.get('authorization'), req.header('Authorization'), headers.get('authorization')
    if (
      method &&
      /^(get|header)$/.test(method) &&
      /^authorization$/i.test(staticString(e.arguments[0]) ?? '')
    )
      return { what: text(), source: e };
    const jwtApi = classifyJwtCall(e, resolver);
    if ((jwtApi && jwtApi.operation === 'sign') || isJoseSignChain(e, resolver))
      return { what: `the result of ${shortText(callee, sf)}()`, source: e };
    if (isSanitised(e, resolver, sf)) return undefined;
    if (
      method &&
      PASS_THROUGH_METHODS.has(method) &&
      (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))
    )
      return tokenValue(callee.expression, resolver, sf, depth + 1);
    if (
      method &&
      /^(slice|substring|substr)$/.test(method) &&
      (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))
    ) {
      // slice(7) drops "Bearer " and keeps the whole token
      return tokenValue(callee.expression, resolver, sf, depth + 1);
    }
    const fname = calleeName(e);
    if ((fname === 'String' || fname === 'stringify') && e.arguments[0])
      return tokenValue(e.arguments[0], resolver, sf, depth + 1);
    return undefined;
  }
  if (ts.isTemplateExpression(e)) {
    for (const span of e.templateSpans) {
      const v = tokenValue(span.expression, resolver, sf, depth + 1);
      if (v) return v;
    }
    return undefined;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === SK.PlusToken) {
    return (
      tokenValue(e.left, resolver, sf, depth + 1) ?? tokenValue(e.right, resolver, sf, depth + 1)
    );
  }
  if (
    ts.isBinaryExpression(e) &&
    (e.operatorToken.kind === SK.BarBarToken || e.operatorToken.kind === SK.QuestionQuestionToken)
  ) {
    return (
      tokenValue(e.left, resolver, sf, depth + 1) ?? tokenValue(e.right, resolver, sf, depth + 1)
    );
  }
  if (ts.isConditionalExpression(e))
    return (
      tokenValue(e.whenTrue, resolver, sf, depth + 1) ??
      tokenValue(e.whenFalse, resolver, sf, depth + 1)
    );
  if (ts.isObjectLiteralExpression(e)) {
    for (const p of e.properties) {
      if (ts.isShorthandPropertyAssignment(p)) {
        const v = tokenValue(p.name, resolver, sf, depth + 1);
        if (v) return v;
      } else if (ts.isPropertyAssignment(p)) {
        const v = tokenValue(p.initializer, resolver, sf, depth + 1);
        if (v) return v;
      } else if (ts.isSpreadAssignment(p)) {
        const v = tokenValue(p.expression, resolver, sf, depth + 1);
        if (v) return v;
      }
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(e)) {
    for (const el of e.elements) {
      const v = tokenValue(el, resolver, sf, depth + 1);
      if (v) return v;
    }
  }
  return undefined;
}

function isLiteral(init: ts.Expression): boolean {
  const e = unwrap(init);
  return ts.isStringLiteralLike(e) || ts.isNumericLiteral(e);
}

/**
 * An enum member or a constant's literal member names a token kind: `Kind.AccessToken`,
 * `TokenType.REFRESH_TOKEN`, `Tokens.accessToken` of `const Tokens = { accessToken: 'at' }`.
 */
function isConstantMember(
  e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
  resolver: Resolver,
): boolean {
  const recv = unwrap(e.expression);
  if (!ts.isIdentifier(recv)) return false;
  const member = memberName(e) ?? '';
  const decl = resolver.findDeclaration(recv);
  if (decl?.kind === 'node') {
    if (ts.isEnumDeclaration(decl.node)) return true;
    if (ts.isVariableDeclaration(decl.node) && decl.node.initializer) {
      const init = unwrap(decl.node.initializer);
      if (ts.isObjectLiteralExpression(init)) {
        const p = init.properties.find(
          (q) => ts.isPropertyAssignment(q) && q.name.getText() === member,
        );
        return !!p && ts.isPropertyAssignment(p) && isLiteral(p.initializer);
      }
    }
    return false;
  }
  // imported `TokenType.AccessToken`, `Kind.ACCESS_TOKEN`: an enum by the way it is written
  return /^[A-Z]/.test(recv.text) && /^([A-Z][a-z0-9]+)+$|^[A-Z][A-Z0-9_]*$/.test(member);
}

const AUDIT_METHODS = /^(append|add|push|record|write|create|insert|emit|track|save|log)$/;

/** `auditLog.append(...)`, `this.audit.record(...)`, `auditTrail.push(...)`. */
export function isAuditWrite(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (!AUDIT_METHODS.test(callee.name.text)) return false;
  const recv =
    memberName(unwrap(callee.expression)) ??
    (ts.isIdentifier(unwrap(callee.expression))
      ? (unwrap(callee.expression) as ts.Identifier).text
      : '');
  return splitWords(recv).some((w) => w === 'audit' || w === 'audits');
}

/**
 * `token.slice(0, 8)`, `hash(token)`, `maskToken(token)`,
 * `crypto.createHash('sha256').update(t).digest('hex')`.
 */
function isSanitised(expr: ts.Expression, _resolver: Resolver, _sf: ts.SourceFile): boolean {
  const e = unwrap(expr);
  if (!ts.isCallExpression(e)) return false;
  const callee = unwrap(e.expression);
  const method = memberName(callee);
  const name = calleeName(e) ?? '';
  if (method && /^(slice|substring|substr)$/.test(method) && e.arguments.length >= 2) {
    const start = numericValue(e.arguments[0]);
    const end = numericValue(e.arguments[1]);
    if (start === 0 && end !== undefined && end <= MAX_SAFE_PREFIX) return true;
    if (start !== undefined && start < 0) return true; // last few characters
  }
  if (
    method &&
    /^(slice|substr)$/.test(method) &&
    e.arguments.length === 1 &&
    (numericValue(e.arguments[0]) ?? 0) < 0
  ) {
    const arg = unwrap(e.arguments[0]);
    return ts.isPrefixUnaryExpression(arg);
  }
  if (ts.isPrefixUnaryExpression(unwrap(e.arguments[0] ?? e)) && method === 'slice') return true;
  if (SAFE_CALLS.test(name)) return true;
  if (method === 'digest' || method === 'update') return true;
  if (method === 'length') return true;
  return false;
}

function shortText(node: Node, sf: ts.SourceFile): string {
  const t = node.getText(sf).replace(/\s+/g, ' ');
  return t.length > 50 ? `${t.slice(0, 47)}...` : t;
}
