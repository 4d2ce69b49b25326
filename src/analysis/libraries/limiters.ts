/**
 * What a rate limiter looks like (SPEC `missing-rate-limit`): middleware made by a limiter
 * library (recognised by import, whatever it is called), a project value or function named
 * like a limiter, a configured name — and, inside handlers, calls that consume a limiter
 * (`await ratelimit.limit(ip)`, `await limiter.consume(ip)`, `aj.protect(req)`).
 */
import { ts, unwrap, calleeName, receiverName, memberName, splitWords, SK } from '../file/ast.js';
import { modulePath, type Resolver, type Value } from '../file/values.js';

/** Packages whose factories (called or not) make request-limiting middleware. */
const MIDDLEWARE_MODULES = new Set([
  'express-rate-limit',
  'express-slow-down',
  'express-brute',
  'express-limiter',
  'koa-ratelimit',
  'koa2-ratelimit',
  'koa-simple-ratelimit',
  'hono-rate-limiter',
  '@hono-rate-limiter/redis',
  '@fastify/rate-limit',
  'fastify-rate-limit',
  'rate-limiter-flexible',
  '@nestjs/throttler',
  'express-rate-limit-flexible',
  'rate-limit-redis',
]);

/** Packages whose objects are consumed from inside a handler. */
export const CONSUMER_MODULES = new Set([
  'rate-limiter-flexible',
  '@upstash/ratelimit',
  'limiter',
  '@arcjet/next',
  '@arcjet/node',
  '@arcjet/bun',
  'arcjet',
  '@vercel/firewall',
  'bottleneck',
  'p-throttle',
  'express-brute',
]);
const CONSUMER_METHODS = new Set([
  'consume',
  'limit',
  'removeTokens',
  'tryRemoveTokens',
  'protect',
  'checkRateLimit',
  'penalty',
  'block',
  'prevent',
  'check',
  'hit',
  'take',
  'get',
]);

const LIMITER_NAME = /rate.?limit|limiter|throttl|brute|slow.?down/i;
/**
 * Names that contain a limiter word but mean something else (`lodash.throttle` wraps a function).
 */
const NOT_LIMITER_MODULES = new Set([
  'lodash',
  'lodash.throttle',
  'lodash-es',
  'underscore',
  'throttle-debounce',
  'rxjs',
  'rxjs/operators',
]);

export interface LimiterOptions {
  /** Extra limiter names from config (`rateLimiters`). */
  rateLimiters: ReadonlySet<string>;
}

/** Is a name limiter-like (`authLimiter`, `loginRateLimit`, `bruteforce`, `throttleLogin`)? */
export function isLimiterName(name: string | undefined, options: LimiterOptions): boolean {
  if (!name) return false;
  if (options.rateLimiters.has(name)) return true;
  const last = name.split('.').pop() ?? name;
  if (options.rateLimiters.has(last)) return true;
  return LIMITER_NAME.test(name) && !/^(un)?throttled$/i.test(last);
}

function moduleOf(value: Value, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  switch (value.kind) {
    case 'module':
      return modulePath(value)?.source;
    case 'call':
      return moduleOf(value.callee, depth + 1);
    case 'instance':
      return moduleOf(value.of, depth + 1);
    default:
      return undefined;
  }
}

/**
 * A middleware argument that limits by itself: `rateLimit({...})`, `limiter` bound to one, a
 * name like `loginLimiter`, `fastify.rateLimit()`. Returns the name to show, or undefined.
 */
export function limiterOfExpression(
  expr: ts.Expression,
  resolver: Resolver,
  options: LimiterOptions,
): string | undefined {
  const e = unwrap(expr);
  const text = labelOf(e);
  const value = resolver.evaluate(e);
  const source = moduleOf(value);
  if (source && NOT_LIMITER_MODULES.has(source)) return undefined;
  if (source && (MIDDLEWARE_MODULES.has(source) || CONSUMER_MODULES.has(source))) return text;
  if (
    value.kind === 'function' &&
    value.node.name &&
    ts.isIdentifier(value.node.name) &&
    isLimiterName(value.node.name.text, options)
  )
    return text;
  if (ts.isCallExpression(e)) {
    // limiter factories of the project (`createRateLimiter('login')`), fastify.rateLimit(),
    // bruteforce.prevent
    const name = calleeName(e);
    if (isLimiterName(name, options) || isLimiterName(receiverName(unwrap(e.expression)), options))
      return text;
    return undefined;
  }
  if (isLimiterName(text, options)) return text;
  return undefined;
}

/**
 * A call inside a handler that consumes a limiter: `ratelimit.limit(ip)` on an `@upstash/ratelimit`
 * instance, `limiter.consume(key)`, `aj.protect(req)`, `checkRateLimit('login')`, or a project
 * helper named like one (`await rateLimitLogin(ip)`).
 */
export function isLimiterCall(
  call: ts.CallExpression,
  resolver: Resolver,
  options: LimiterOptions,
): boolean {
  const callee = unwrap(call.expression);
  const name = calleeName(call);
  const value = resolver.evaluate(callee);
  const source = moduleOf(value);
  if (source && NOT_LIMITER_MODULES.has(source)) return false;
  if (source && CONSUMER_MODULES.has(source) && name && CONSUMER_METHODS.has(name)) return true;
  if (source === '@vercel/firewall') return true;
  if (ts.isIdentifier(callee))
    return isLimiterName(callee.text, options) && !isMiddlewareFactory(value);
  const method = memberName(callee);
  if (!method) return false;
  const recv = receiverName((callee as ts.PropertyAccessExpression).expression);
  if (isLimiterName(recv, options) && CONSUMER_METHODS.has(method)) return true;
  return (
    isLimiterName(method, options) && !/^(set|get)/.test(method) && !isMiddlewareFactory(value)
  );
}

/**
 * Raw-text pre-filter for `isLimiterCall`: it answers yes only for a limiter-like name
 * (LIMITER_NAME), a limiter package (CONSUMER_MODULES, all spelled below) or a configured name.
 * Names and package specifiers are spelled in the file unless an escape spells them
 * (mayEscapeNames). (Plain `limit`, `protect`, `consume` passed 78% of files.)
 */
export function mayCallLimiter(
  signals: { escapes: boolean; limiter: boolean },
  options: LimiterOptions,
): boolean {
  return options.rateLimiters.size > 0 || signals.escapes || signals.limiter;
}

/**
 * Spelled in every file that can consume a limiter (read in one pass with the other families,
 * text-signals.ts).
 */
export const LIMITER_TEXT =
  /rate.?limit|limiter|throttl|brute|slow.?down|arcjet|firewall|bottleneck/i;

/** `rateLimit({...})` builds middleware; calling it is not consuming a limiter. */
function isMiddlewareFactory(value: Value): boolean {
  const source = moduleOf(value);
  return !!source && MIDDLEWARE_MODULES.has(source) && !CONSUMER_MODULES.has(source);
}

function labelOf(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) {
    const left = labelOf(unwrap(e.expression));
    return left ? `${left}.${e.name.text}` : e.name.text;
  }
  if (ts.isCallExpression(e)) {
    const inner = labelOf(unwrap(e.expression));
    return inner ? `${inner}()` : '';
  }
  if (e.kind === SK.ThisKeyword) return 'this';
  return '';
}

export { labelOf as limiterLabel, splitWords };
