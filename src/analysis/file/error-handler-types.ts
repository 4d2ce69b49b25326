/**
 * The plain data of error-handlers.ts (types only, so FileFacts can name them without a cycle).
 */
import type { Span } from './ast.js';
import type { CallTarget } from './call-targets.js';

/** What the handler does with one kind of error on the way it takes. */
export interface ErrorJudgement {
  /** Logs, measures or reports it (directly). */
  logs: boolean;
  /** Project calls on that way (they may record, decided across files). */
  calls: CallTarget[];
  /** Hands it on (`next(err)`, `throw`, `ctx.app.emit('error')`): judged further on. */
  passes: boolean;
}

export type ErrorHandlerKind =
  | 'express-middleware'
  | 'koa-middleware'
  | 'koa-listener'
  | 'fastify-handler'
  | 'hono-handler'
  | 'nest-filter'
  | 'nest-interceptor';

export interface ErrorHandlerFact {
  kind: ErrorHandlerKind;
  span: Span;
  label: string;
  /**
   * An HTTP error with a 4xx status (`UnauthorizedException`, `ctx.throw(401)`,
   * `createError(401)`).
   */
  auth: ErrorJudgement;
  /** Any other error (a rethrown verification error, `new Error()`): status 500 where it ends. */
  plain: ErrorJudgement;
  /** The app it is registered on, as written (`app` in `app.onError(...)`), when inline. */
  owner?: string;
  /** NestJS filters: the class, and what `@Catch(...)` names (empty: everything). */
  className?: string;
  catches?: string[];
}

export interface ErrorHandlerFileFacts {
  handlers: ErrorHandlerFact[];
  /** Fastify instances created here: does each have a logger (`Fastify({ logger })`)? */
  fastifyLoggers: boolean[];
  /** NestJS filters registered globally (`useGlobalFilters(new X())`, `APP_FILTER`), by class. */
  nestGlobalFilters: string[];
  /** NestJS interceptors registered globally, by class. */
  nestGlobalInterceptors: string[];
  /** NestJS `@UseFilters(X)` on a class or its methods: class name -> filter classes. */
  nestScopedFilters: Record<string, string[]>;
  /** The file imports NestJS: its classes run under Nest's exception handling. */
  nest?: boolean;
  /** Middleware that verifies tokens, constructed here. */
  verifiers?: MiddlewareVerifier[];
  /** `passport.authenticate('jwt' ...)` calls. */
  passportJwt?: PassportAuthenticate[];
  /** `passport.authenticate('local' ...)` calls (credential logins). */
  passportLocal?: PassportAuthenticate[];
  /**
   * Something reads koa-jwt's `jwtOriginalError` (a passthrough failure is looked at): the apps
   * whose middleware reads it, or `*` when read elsewhere.
   */
  readsOriginalError?: string[];
  /**
   * NestJS `AuthGuard('name')` uses (and `handleRequest` overrides of guards extending one,
   * judged for the failure).
   */
  authGuards?: Array<{ name: string; handle?: ErrorJudgement }>;
}

/**
 * Middleware that verifies for you (SPEC `silent-verify-failure`): its failures are propagated
 * errors, judged where they end; one per construction.
 */
export interface MiddlewareVerifier {
  library: 'express-jwt' | 'koa-jwt' | 'hono/jwt' | 'passport-jwt';
  /** The `expressjwt(...)` / `koaJwt(...)` / `jwt(...)` call, or the strategy class. */
  span: Span;
  label: string;
  scope: string;
  code: string;
  /** NestJS: `class X extends PassportStrategy(Strategy)` (errors end in Nest's filters). */
  nestClass?: string;
  /** The passport strategy name (`PassportStrategy(Strategy, 'jwt-refresh')`; default `jwt`). */
  strategyName?: string;
  /** koa-jwt `passthrough: true`: a bad token carries on as anonymous. */
  passthrough?: boolean;
  /** The app it is registered on, as written (`app` in `app.use(jwt(...))`). */
  owner?: string;
}

/** `passport.authenticate('jwt', ...)`: a custom callback, or `failWithError`. */
export interface PassportAuthenticate {
  span: Span;
  /** The custom callback `(err, user, info) => {...}` on a failed verification. */
  callback?: ErrorJudgement;
  failWithError?: boolean;
}
