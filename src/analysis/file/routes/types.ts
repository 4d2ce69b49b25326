/**
 * The per-file vocabulary every framework adapter speaks: apps (an Express app or router, a
 * Fastify instance or plugin, a Koa router, a Hono app, a NestJS controller, a Next.js route
 * file), the routes registered on them, the middleware they `use`, and where they hand
 * themselves to other code (mounts, plugins, `setupRoutes(app)`). Plain data, so it survives
 * the AST; model.ts links it across files.
 */
import type { Span } from '../ast.js';
import type { RouteFramework } from '../../../types.js';
import type { CallTarget } from '../call-targets.js';

/** Route framework names are part of the report (src/types.ts): one list for both. */
export type Framework = RouteFramework;

/**
 * Another app: one of this file's, or an export of a project module (`require('./routes/auth')`).
 */
export type AppRef =
  | { kind: 'local'; app: number }
  | { kind: 'module'; source: string; path: string[] };

/** One argument of a route or `use` call: a middleware, a handler, a limiter, a router. */
export interface ChainItem {
  /** As written (`authLimiter`, `passport.authenticate`, `<inline handler>`). */
  label: string;
  span: Span;
  /**
   * It is a rate limiter by itself: its name (a limiter library's middleware, a name like
   * `loginLimiter`).
   */
  limiter?: string;
  /**
   * A project function (handler or middleware): whether it limits, signs, checks passwords is
   * decided across files.
   */
  target?: CallTarget;
  /** A router or sub-app mounted here. */
  app?: AppRef;
  /**
   * The result of calling project code that may return a router
   * (`app.use('/v2', makeRouter())`).
   */
  appCall?: CallTarget;
  /**
   * Koa: `provider.router.routes()` on a router the bindings cannot follow (a plugin registry, a
   * loop over providers).
   */
  opaqueRouter?: boolean;
  /**
   * It verifies the caller's token by itself (express-jwt, `passport.authenticate('jwt')`, koa-jwt,
   * hono/jwt).
   */
  verifies?: boolean;
  /**
   * A passport strategy that checks what the caller presents to sign in (`passport.authenticate(
   * 'local')`, `AuthGuard('google')`, `AuthGuard('jwt-refresh')`): the strategy's name.
   */
  credential?: string;
}

export interface RouteDecl {
  /** Upper-case HTTP method, or `ALL`. */
  method: string;
  /** Path as registered on its app (before mounts); undefined when not a static string. */
  path?: string;
  /**
   * The registration: the call or decorator that carries the path (Next.js: the exported handler).
   */
  span: Span;
  /** Middleware and handler(s), in order; the last one is the handler. */
  items: ChainItem[];
  /**
   * A limiter attached to the route itself (Fastify `config.rateLimit`, NestJS `@Throttle`/guard).
   */
  limiter?: string;
  /**
   * The route opts out of an app-wide limiter (`@SkipThrottle()`, Fastify `config: { rateLimit:
   * false }`).
   */
  optOut?: boolean;
  /** NestJS `@SkipThrottle({ chat: true })`: the throttlers skipped (undefined: all of them). */
  skips?: string[];
  /**
   * A guard that verifies the caller's token (`@UseGuards(AuthGuard('jwt'))`): an ordinary
   * protected route.
   */
  protectedBy?: string;
  /**
   * NestJS: guard classes in `@UseGuards` by name, for guards declared in other files (`GlobalGuard
   * extends AuthGuard('jwt')`).
   */
  guards?: string[];
  /** NestJS: a guard running a sign-in strategy (`AuthGuard('local')`, `AuthGuard('google')`). */
  credential?: string;
  /** Registered only under `if (process.env.NODE_ENV === 'test')`. */
  testOnly?: boolean;
  /** NestJS `@Public()`: exempt from a global authentication guard. */
  isPublic?: boolean;
  /** NestJS project decorators on the route or its controller (`@SessionAuth()`). */
  decorators?: string[];
  /** Position among the app's registrations (order matters for Express, Koa, Hono). */
  seq: number;
}

export interface UseDecl {
  /**
   * Path prefix the middleware applies under (`app.use('/auth', limiter)`), undefined = everything.
   */
  path?: string;
  items: ChainItem[];
  span: Span;
  seq: number;
  /** Registered inside an `if` (`if (env === 'production') app.use(limiter)`): still counts. */
  conditional: boolean;
  /** Registered only under `if (process.env.NODE_ENV === 'test')`: what it mounts serves tests. */
  testOnly?: boolean;
}

/**
 * The app handed to project code that registers on it: `setupRoutes(app)`,
 * `fastify.register(plugin, { prefix })`.
 */
export interface PassDecl {
  target: CallTarget;
  /** Which parameter of the target receives the app. */
  index: number;
  prefix?: string;
  span: Span;
  seq: number;
}

export interface FileApp {
  framework: Framework;
  /** Where it is created (or the plugin function / controller class / route file). */
  span: Span;
  /**
   * Does registration order decide what guards a route? (Express, Koa, Hono: yes; Fastify, NestJS:
   * no.)
   */
  ordered: boolean;
  /**
   * A prefix the app carries itself (`new Router({ prefix })`, `@Controller('auth')`, a Next.js
   * route file's path).
   */
  prefix?: string;
  /**
   * The app is a parameter of a function of this file (a Fastify plugin, `module.exports = (app) =>
   * {...}`).
   */
  param?: { fn: number; index: number };
  routes: RouteDecl[];
  uses: UseDecl[];
  passes: PassDecl[];
  /** An app-wide limiter that is not middleware in order (Fastify's `register(rateLimit)`). */
  limiter?: { name: string; span: Span; conditional: boolean; seq?: number };
  /** A koa-router router: it serves only through a mount, never by itself. */
  router?: boolean;
  /** NestJS: the controller class. */
  controller?: string;
  /** Fastify: registered with `fastify-plugin`, so its hooks and plugins reach the parent. */
  unencapsulated?: boolean;
}

/**
 * Limiters that apply to a whole framework's routes in the project (NestJS `APP_GUARD`, Next.js
 * `middleware.ts`).
 */
export interface ProjectLimiter {
  framework: Framework;
  name: string;
  span: Span;
  /** Next.js middleware `config.matcher` paths; undefined = every route. */
  matcher?: string[];
  /**
   * Counts only when the project uses `@fastify/autoload` (a plugin file that re-exports
   * `@fastify/rate-limit`).
   */
  viaAutoload?: boolean;
}

export interface RouteFileFacts {
  apps: FileApp[];
  projectLimiters: ProjectLimiter[];
  /**
   * Exported names that are apps of this file (`module.exports = router`, `export default router`).
   */
  appExports: Record<string, number>;
  /** `@fastify/autoload` registered on an app: unmounted plugin apps are its children. */
  autoload?: number;
  /** Guard classes declared here that verify the caller's token (`extends AuthGuard('jwt')`). */
  tokenGuards?: string[];
  /**
   * Functions of this file returning one of its apps
   * (`function makeRouter() { ...; return r }`).
   */
  returnedApps?: Record<number, number>;
  /** NestJS guard classes declared here that run a sign-in strategy, by name: the strategy. */
  credentialGuards?: Record<string, string>;
  /** NestJS limiter guard classes declared here (`class ApiThrottler extends ThrottlerGuard`). */
  limiterGuards?: string[];
  /**
   * NestJS global guards and interceptors (`APP_GUARD`, `APP_INTERCEPTOR`, `useGlobalGuards`)
   * whose class is declared in another file: limiters when that class is one.
   */
  globalGuards?: Array<{ name: string; span: Span }>;
  /** NestJS decorators composed here with `applyDecorators(UseGuards(...))`, by name. */
  composedDecorators?: Record<
    string,
    { limiter?: string; protectedBy?: string; credential?: string; guards: string[] }
  >;
  /**
   * NestJS controllers an authentication middleware is applied to here
   * (`consumer.apply(AuthMiddleware).forRoutes(...controllers)`).
   */
  protectedControllers?: string[];
  /** NestJS throttler names configured here (`ThrottlerModule.forRoot([{ name: 'chat' }])`). */
  throttlerNames?: string[];
  /** The file starts a NestJS app (`NestFactory.create`): its folder is that app's root. */
  nestEntry?: boolean;
  /**
   * Limiter guard classes declared here that let requests through by default (NestJS `canActivate`
   * ending in `return true`).
   */
  bypassingGuards?: string[];
  /**
   * passport-local verify functions (`new LocalStrategy(fn)`, NestJS `validate()`) and Feathers
   * password strategies' `authenticate()`: login handlers without a route.
   */
  loginStrategies: Array<{ fn: number; span: Span; library: 'passport-local' | 'feathers' }>;
}
