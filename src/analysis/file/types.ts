/**
 * The plain data one file is read into (src/analysis/file/extract.ts writes it, the project layer
 * links it): types only, so every layer can name them without importing code.
 */
import type { Span } from './ast.js';
import type { CallTarget } from './project-code.js';
import type { Evidence } from './monitoring.js';
import type { JwtApi } from '../libraries/jwt-apis.js';
import type { RouteFileFacts } from './routes/types.js';
import type { DenylistFileFacts } from './denylist-types.js';
import type { ErrorHandlerFileFacts } from './error-handler-types.js';

export interface FunctionFact {
  name?: string;
  className?: string;
  span: Span;
  /** Parameter names, for callback wrappers and route handlers. */
  params: string[];
  /** The body itself logs, measures or reports (propagating is not enough: `propagates`). */
  monitors: boolean;
  /** The body throws or hands an error on (`next(err)`): judged where the error ends. */
  propagates?: boolean;
  /** Project calls made by the body (nested functions are listed as local calls). */
  calls: CallTarget[];
  /** The body signs a JWT (directly). */
  signs: boolean;
  /**
   * Handler facts for the endpoint rules (routes/handler-facts.ts); omitted when all false/empty.
   */
  handler?: HandlerFact;
  /** A lazy loader (`() => import('./web')`): the project module calling it yields. */
  returnsModule?: string;
  /**
   * Handed to other code rather than called by name — a callback argument (the call as written), an
   * object literal's or class property's value, a decorated method (`@Mutation()`).
   */
  handedOver?: string;
}

export interface Rejection {
  /**
   * The statement that rejects bad credentials (`return res.status(401)...`, `throw new
   * UnauthorizedException()`).
   */
  span: Span;
  what: 'user' | 'password';
  /** Logging, telemetry or reporting inside the rejecting branch. */
  monitored: boolean;
  /** Project calls made in the branch (they may log, decided across files). */
  calls: CallTarget[];
  /**
   * The rejection throws or forwards an error out of the function (an HTTP 4xx error, or another):
   * monitored when it ends recorded (project/error-flow.ts).
   */
  propagates?: 'auth' | 'plain' | 'passport';
}

export interface HandlerFact {
  /** Consumes a rate limiter in its body (`await limiter.consume(ip)`, `ratelimit.limit(id)`). */
  limits: boolean;
  /** Compares a password (`bcrypt.compare`, `user.comparePassword`). */
  checksPassword: boolean;
  /**
   * Verifies a refresh token (a verification whose arguments mention one, or
   * `verifyRefreshToken()`).
   */
  verifiesRefresh: boolean;
  /** Other secret work (routes/secret-work.ts): `sets a password (hashPassword)`. */
  secretWork?: string;
  /** Its first statement leaves unless `NODE_ENV` is `test`: it serves only tests. */
  testOnly?: boolean;
  /** It verifies a token the request carries (a header, a cookie): it authenticates its caller. */
  checksCaller?: boolean;
  /** It reads a token from the request and calls project code (which may verify it). */
  requestToken?: boolean;
  /** It hands the request's Authorization header to project code (which authenticates with it). */
  passesAuthorization?: boolean;
  /** It lets only an authenticated caller through (`ctx.assert(ctx.state.user, 401)`). */
  requiresCaller?: boolean;
  /** Logs, measures or reports anywhere (a `throw` or `next(err)` does not count). */
  logs: boolean;
  /** ... outside `catch` blocks and rejecting branches, or tracks usage (`lastUsedAt`). */
  successLogs: boolean;
  /** Project calls on the success path. */
  successCalls: CallTarget[];
  /** Branches that reject bad credentials. */
  rejections: Rejection[];
}

export type StoredHandling =
  | { kind: 'handled'; path: number }
  | { kind: 'propagates' }
  | { kind: 'callback-param'; index: number };

interface CallSiteBase {
  span: Span;
  label: string;
  /** Enclosing function id, or -1 at module level. */
  fn: number;
  handling: StoredHandling;
  /** For fingerprints: enclosing function name and normalised call text. */
  scope: string;
  code: string;
}

export interface VerifySite extends CallSiteBase {
  library: string;
}

export interface ProjectCall extends CallSiteBase {
  target: CallTarget;
  /** Failure paths of function arguments shaped like node callbacks, by argument index. */
  callbacks: Record<number, number>;
}

export interface TokenLog {
  span: Span;
  /** The logging call as written. */
  logger: string;
  what: string;
  source: Span;
  scope: string;
  code: string;
}

export type ExportTarget =
  | { kind: 'fn'; fn: number }
  | { kind: 'module'; source: string; path: string[] }
  | { kind: 'class'; name: string }
  | { kind: 'object'; members: Record<string, ExportTarget> }
  | { kind: 'jwt'; api: JwtApi }
  /** An Express router, Koa router, Hono app... of this file (index into `routes.apps`). */
  | { kind: 'app'; app: number }
  /** Middleware verifying the caller's token (`expressjwt({...})`), as a value. */
  | { kind: 'verifier' };

export interface ClassFact {
  /**
   * Method name -> function id. A Map, not an object: method names differ in every class, and as
   * object keys each would make V8 build another hidden class.
   */
  methods: Map<string, number>;
}

export interface FileFacts {
  file: string;
  functions: FunctionFact[];
  classes: Record<string, ClassFact>;
  exports: Record<string, ExportTarget>;
  /** `export * from './x'` specifiers. */
  starExports: string[];
  failurePaths: FailurePath[];
  verifySites: VerifySite[];
  projectCalls: ProjectCall[];
  tokenLogs: TokenLog[];
  /** Direct monitoring calls seen (for the inventory): label and kind. */
  monitors: MonitorCall[];
  routes: RouteFileFacts;
  denylists: DenylistFileFacts;
  /** Framework error handlers registered here (error-handlers.ts). */
  errorHandlers?: ErrorHandlerFileFacts;
}

export type FailureKind =
  | 'catch'
  | 'promise-catch'
  | 'then-rejected'
  | 'callback'
  | 'callback-ignored';

export interface RegionCall {
  target: CallTarget;
  label: string;
  /** The error (or a value derived from it) is passed to the call. */
  withError: boolean;
}

export interface FailurePath {
  kind: FailureKind;
  /** The catch clause, the handler function, or the error branch. */
  span: Span;
  errorName?: string;
  evidence: Array<Evidence & { touchesError: boolean }>;
  calls: RegionCall[];
  /** A branch tells error kinds apart (TokenExpiredError, ERR_JWT_EXPIRED...). */
  classifies: boolean;
  /** Why the request goes on despite the failure, when it does. */
  failOpen?: string;
  /**
   * A `catch` that only throws (`throw new AuthError()`) on every way out: the failure goes on to
   * the caller.
   */
  rethrows?: boolean;
  /**
   * What it propagates is an HTTP 4xx error (`throw new UnauthorizedException()`,
   * `ctx.throw(401)`).
   */
  httpError?: boolean;
}

/** A direct monitoring call (inventory, and revocation audits), with the function it is in. */
export interface MonitorCall {
  label: string;
  kind: Evidence['kind'];
  span: Span;
  /** The innermost enclosing function's id, or -1 at module level. */
  fn: number;
}
