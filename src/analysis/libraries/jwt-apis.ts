/**
 * The one table of JWT library APIs. A call is a JWT verification (or signing) because of what
 * its callee resolves to through imports, never because it is spelled `verify`:
 * `emailService.verify(code)` and `crypto.verify(...)` are not JWT verifications.
 *
 * Sources: jsonwebtoken README (verify/sign, callback as last argument), jose docs (jwtVerify,
 * jwtDecrypt, compactVerify...; SignJWT), fast-jwt README (createVerifier/createSigner return
 * functions), @nestjs/jwt JwtService, @fastify/jwt (request.jwtVerify, fastify.jwt.verify,
 * reply.jwtSign), hono/jwt (verify, sign).
 */
import { ts, unwrap, memberName } from '../file/ast.js';
import { modulePath, type Resolver, type Value } from '../file/values.js';

export type JwtOperation = 'verify' | 'sign';

export interface JwtApi {
  library: string;
  operation: JwtOperation;
  /** 'sync' throws; 'async' rejects; 'either' throws or calls back when given a callback. */
  mode: 'sync' | 'async' | 'either';
}

/** `module:path` (leading `default` dropped) -> API. */
const MODULE_APIS: Record<string, JwtApi> = {
  'jsonwebtoken:verify': { library: 'jsonwebtoken', operation: 'verify', mode: 'either' },
  'jsonwebtoken:sign': { library: 'jsonwebtoken', operation: 'sign', mode: 'either' },
  'jose:jwtVerify': { library: 'jose', operation: 'verify', mode: 'async' },
  'jose:jwtDecrypt': { library: 'jose', operation: 'verify', mode: 'async' },
  'jose:compactVerify': { library: 'jose', operation: 'verify', mode: 'async' },
  'jose:flattenedVerify': { library: 'jose', operation: 'verify', mode: 'async' },
  'jose:generalVerify': { library: 'jose', operation: 'verify', mode: 'async' },
  'jose:JWT.verify': { library: 'jose', operation: 'verify', mode: 'sync' },
  'jose:JWT.sign': { library: 'jose', operation: 'sign', mode: 'sync' },
  'hono/jwt:verify': { library: 'hono/jwt', operation: 'verify', mode: 'async' },
  'hono/jwt:sign': { library: 'hono/jwt', operation: 'sign', mode: 'async' },
  'hono/jwt:Jwt.verify': { library: 'hono/jwt', operation: 'verify', mode: 'async' },
  'hono/utils/jwt:Jwt.verify': { library: 'hono/jwt', operation: 'verify', mode: 'async' },
  'hono/utils/jwt/jwt:verify': { library: 'hono/jwt', operation: 'verify', mode: 'async' },
  'hono/jwt:Jwt.sign': { library: 'hono/jwt', operation: 'sign', mode: 'async' },
  'jwt-simple:decode': { library: 'jwt-simple', operation: 'verify', mode: 'sync' },
  'jwt-simple:encode': { library: 'jwt-simple', operation: 'sign', mode: 'sync' },
  '@nestjs/jwt:JwtService.#instance.verify': {
    library: '@nestjs/jwt',
    operation: 'verify',
    mode: 'sync',
  },
  '@nestjs/jwt:JwtService.#instance.verifyAsync': {
    library: '@nestjs/jwt',
    operation: 'verify',
    mode: 'async',
  },
  '@nestjs/jwt:JwtService.#instance.sign': {
    library: '@nestjs/jwt',
    operation: 'sign',
    mode: 'sync',
  },
  '@nestjs/jwt:JwtService.#instance.signAsync': {
    library: '@nestjs/jwt',
    operation: 'sign',
    mode: 'async',
  },
};

/** Factories whose *result* is a verifier or signer function (fast-jwt). */
const FACTORIES: Record<string, JwtApi> = {
  'fast-jwt:createVerifier': { library: 'fast-jwt', operation: 'verify', mode: 'either' },
  'fast-jwt:createSigner': { library: 'fast-jwt', operation: 'sign', mode: 'either' },
};

/** Modules whose import marks a file as JWT-relevant (the cheap pre-filter uses it too). */
export const JWT_MODULES = [
  'jsonwebtoken',
  'jose',
  'fast-jwt',
  '@nestjs/jwt',
  '@fastify/jwt',
  'hono/jwt',
  'hono/utils/jwt',
  'jwt-simple',
  'express-jwt',
  'koa-jwt',
  '@nestjs/passport',
  'passport-jwt',
];

function key(value: Value): string | undefined {
  const m = modulePath(value);
  return m ? `${m.source}:${m.path.join('.')}` : undefined;
}

/** The API a callee value is, if it is one. Also handles `promisify(jwt.verify)` (async). */
export function apiOfValue(value: Value): JwtApi | undefined {
  const k = key(value);
  if (k && MODULE_APIS[k]) {
    const api = MODULE_APIS[k];
    return value.kind === 'module' && value.promisified ? { ...api, mode: 'async' } : api;
  }
  if (value.kind === 'call') {
    const fk = key(value.callee);
    if (fk && FACTORIES[fk]) return FACTORIES[fk];
  }
  return undefined;
}

/**
 * Classifies a call as a JWT verification or signing, by what its callee resolves to.
 * Framework decorations that are not imported in the calling file (@fastify/jwt decorates
 * `request` and `fastify`) are recognised by their distinctive member names instead.
 */
/** The modules whose members classifyJwtCall recognises (what the pre-filter must let through). */
export const JWT_API_MODULES: readonly string[] = [
  ...new Set(
    [...Object.keys(MODULE_APIS), ...Object.keys(FACTORIES)].map((k) => k.slice(0, k.indexOf(':'))),
  ),
];

/**
 * Raw-text pre-filter: a file can call a JWT API only if it spells one of these — a module name,
 * `jwtVerify`, `SignJWT`, `createVerifier`, `jwtService` (`\bsign` keeps `Object.assign` out). An
 * escape could spell one (mayEscapeNames), so such files take the full path.
 */
export function mayUseJwtApi(signals: { escapes: boolean; jwt: boolean; sign: boolean }): boolean {
  return signals.escapes || signals.jwt || signals.sign;
}

/** The case-sensitive part of mayUseJwtApi: `sign(`, `jwt.sign`, `SignJWT`. */
export const SIGN_TEXT = /\bsign|Sign/;

/**
 * The case-insensitive part of mayUseJwtApi (read in one pass with the other families,
 * text-signals.ts).
 */
export const JWT_TEXT = /jwt|jose|jsonwebtoken|jws|verif|encode|decode/i;

export function classifyJwtCall(call: ts.CallExpression, resolver: Resolver): JwtApi | undefined {
  const callee = unwrap(call.expression);
  const value = resolver.evaluate(callee);
  const direct = apiOfValue(value);
  if (direct) return direct;
  if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
    const method = memberName(callee);
    const object = unwrap(callee.expression);
    const objectValue = value.kind === 'module' ? value : resolver.evaluate(object);
    // Fastify's own types (`request: FastifyRequest` imported as a value) are where @fastify/jwt
    // adds its decorations; any other library's member that is not in the table is not a JWT API.
    // So is a Fastify instance exported by a project module (`import { app } from './app'`).
    const fastifyTyped =
      objectValue.kind === 'module' &&
      (objectValue.source === 'fastify' || resolver.specifiers.has(objectValue.source));
    if (objectValue.kind === 'module' && !fastifyTyped) return undefined;
    const decoration = fastifyJwtDecoration(method, object);
    if (decoration) return decoration;
    if (fastifyTyped) return undefined;
    // @nestjs/jwt injected without a type annotation the resolver can follow (plain JS, `@Inject`).
    if (
      method &&
      /^(verify|verifyAsync|sign|signAsync)$/.test(method) &&
      ts.isPropertyAccessExpression(object) &&
      /^jwtService$/i.test(object.name.text)
    ) {
      // typed as something else
      if (objectValue.kind === 'instance' && objectValue.of.kind !== 'unknown') return undefined;
      const operation: JwtOperation = method.startsWith('verify') ? 'verify' : 'sign';
      return {
        library: '@nestjs/jwt',
        operation,
        mode: method.endsWith('Async') ? 'async' : 'sync',
      };
    }
  }
  return undefined;
}

/**
 * @fastify/jwt's decorations: `request.jwtVerify()`, `reply.jwtSign()`,
 * `fastify.jwt.verify(token)`, `this.jwt.sign()`, and their namespaced forms
 * (`namespace: 'access'` gives `request.accessJwtVerify()` and `fastify.jwt.access.verify()`).
 */
function fastifyJwtDecoration(
  method: string | undefined,
  object: ts.Expression,
): JwtApi | undefined {
  if (!method) return undefined;
  if (/^(\w+J|j)wtVerify$/.test(method))
    return { library: '@fastify/jwt', operation: 'verify', mode: 'async' };
  if (/^(\w+J|j)wtSign$/.test(method))
    return { library: '@fastify/jwt', operation: 'sign', mode: 'async' };
  if ((method === 'verify' || method === 'sign') && ts.isPropertyAccessExpression(object)) {
    const inner = unwrap(object.expression);
    const onJwt =
      object.name.text === 'jwt' ||
      (ts.isPropertyAccessExpression(inner) && inner.name.text === 'jwt');
    if (onJwt) return { library: '@fastify/jwt', operation: method, mode: 'either' };
  }
  return undefined;
}

/** `new SignJWT(claims)....sign(key)` (jose): the call chain contains the SignJWT constructor. */
export function isJoseSignChain(call: ts.CallExpression, resolver: Resolver): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'sign') return false;
  let e: ts.Expression = unwrap(callee.expression);
  for (let i = 0; i < 30; i++) {
    if (ts.isNewExpression(e))
      return (
        key(resolver.evaluate(e.expression)) === 'jose:SignJWT' ||
        key(resolver.evaluate(e.expression)) === 'jose:EncryptJWT'
      );
    if (ts.isCallExpression(e)) e = unwrap(e.expression);
    else if (ts.isPropertyAccessExpression(e)) e = unwrap(e.expression);
    else return false;
  }
  return false;
}

/**
 * Error class names and codes that classify a verification failure (TokenExpiredError,
 * ERR_JWT_EXPIRED).
 */
export const ERROR_CLASSIFIERS = new RegExp(
  [
    '^(TokenExpiredError|NotBeforeError|JsonWebTokenError|JWTExpired',
    'JWTClaimValidationFailed|JWSSignatureVerificationFailed|JWTInvalid',
    'JWSInvalid|JOSEError|JWEDecryptionFailed|FastJwtError|TokenError',
    'ERR_JWT_\\w+|ERR_JWS_\\w+|ERR_JWE_\\w+|FAST_JWT_\\w+|FST_JWT_\\w+)$',
  ].join('|'),
);
