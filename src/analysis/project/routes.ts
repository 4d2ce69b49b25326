/**
 * The one route model every framework adapter feeds, linked across files: routers mounted in
 * other files (`app.use('/auth', limiter, authRouter)`), Fastify plugins registered with a
 * prefix, functions handed the app (`require('./routes')(app)`), NestJS global guards and
 * Next.js middleware. For every route instance it answers: the full path after mounts, the
 * project functions that handle it, and the rate limiter guarding it (or none).
 */
import type { FileFacts } from '../file/types.js';
import type { CallGraph, FnRef } from './call-graph.js';
import type { ModuleResolver } from './module-resolution.js';
import type { Span } from '../file/ast.js';
import type {
  ChainItem,
  FileApp,
  Framework,
  ProjectLimiter,
  RouteDecl,
} from '../file/routes/types.js';

export interface Guard {
  /** The limiter as written (`authLimiter`, `@fastify/rate-limit`, `ThrottlerGuard`). */
  name: string;
  file: string;
  span: Span;
}

export interface Mount {
  file: string;
  span: Span;
  /** The path it mounts under, as written there. */
  path?: string;
}

export interface LinkedRoute {
  framework: Framework;
  method: string;
  /** Full path after mounts and prefixes; undefined when some part is not a static string. */
  path?: string;
  file: string;
  /** The registration (call or decorator carrying the path). */
  span: Span;
  /** Project functions in the route's chain (middleware and handler), resolved across files. */
  functions: FnRef[];
  /** The handler: the last project function of the chain. */
  handler?: FnRef;
  /** The limiter guarding this instance, or null. */
  guard: Guard | null;
  /**
   * Middleware or a guard in front of it verifies the caller's token (an ordinary protected route).
   */
  protectedBy?: string;
  /** A sign-in strategy runs in front of the handler (`passport.authenticate('local')`). */
  credential?: string;
  /** Registered (or mounted) only when `NODE_ENV` is `test`. */
  testOnly?: boolean;
  /** Mount points from the root app down to the route's app. */
  mounts: Mount[];
}

export interface RouteFacts {
  routes: LinkedRoute[];
}

interface AppNode {
  file: string;
  id: number;
  app: FileApp;
}

interface Edge {
  child: AppNode;
  /** Path the child is mounted under, relative to the parent. */
  prefix?: string;
  seq: number;
  span: Span;
  /** Middleware given in the same `use` before the router (`app.use('/auth', limiter, router)`). */
  before: ChainItem[];
  /**
   * The child's place is a guess (a router from a plugin registry): its paths are its own, not the
   * parent's.
   */
  guessed?: boolean;
  /** Mounted only under a test-environment condition. */
  testOnly?: boolean;
}

/** A limiter that applies to routes below a point, under a path prefix (absolute). */
interface ScopedGuard extends Guard {
  under?: string;
  /**
   * Fastify: registered at this position of its app, so it limits only routes and plugins declared
   * after it.
   */
  after?: number;
  /** Project- or app-wide (NestJS APP_GUARD, Fastify plugin): a route's opt-out removes it. */
  wide?: boolean;
}

const MAX_INSTANCES = 20000;

export function buildRouteFacts(
  files: readonly FileFacts[],
  graph: CallGraph,
  _modules: ModuleResolver,
): RouteFacts {
  const nodes = new Map<string, AppNode>();
  const key = (file: string, id: number) => `${id}@${file}`;
  for (const f of files)
    for (const [id, app] of f.routes.apps.entries())
      nodes.set(key(f.file, id), { file: f.file, id, app });

  const fnResolve = (file: string, item: ChainItem): FnRef[] =>
    item.target
      ? graph.resolve(file, item.target).flatMap((r) => (r.kind === 'fn' ? [r.ref] : []))
      : [];

  // ---- edges ---------------------------------------------------------------------------------
  const edges = new Map<AppNode, Edge[]>();
  const hasParent = new Set<AppNode>();
  const addEdge = (parent: AppNode, edge: Edge) => {
    if (edge.child === parent) return;
    const list = edges.get(parent) ?? [];
    list.push(edge);
    edges.set(parent, list);
    hasParent.add(edge.child);
  };
  const paramApps = new Map<string, AppNode>();
  for (const n of nodes.values())
    if (n.app.param) paramApps.set(`${n.app.param.fn}:${n.app.param.index}@${n.file}`, n);

  for (const parent of nodes.values()) {
    for (const use of parent.app.uses) {
      use.items.forEach((item, i) => {
        const child = childApp(parent.file, item);
        if (child)
          addEdge(parent, {
            child,
            prefix: use.path,
            seq: use.seq,
            span: use.span,
            before: use.items.slice(0, i),
            ...(use.testOnly ? { testOnly: true } : {}),
          });
      });
    }
    for (const pass of parent.app.passes) {
      for (const r of graph.resolve(parent.file, pass.target)) {
        if (r.kind !== 'fn') continue;
        const child = paramApps.get(`${r.ref.fn}:${pass.index}@${r.ref.file}`);
        if (child)
          addEdge(parent, {
            child,
            prefix: pass.prefix,
            seq: pass.seq,
            span: pass.span,
            before: [],
          });
      }
    }
  }
  function childApp(file: string, item: ChainItem): AppNode | undefined {
    // app.use('/v2', makeRouter()): the router a project function returns
    if (item.appCall)
      for (const r of graph.resolve(file, item.appCall)) {
        if (r.kind !== 'fn') continue;
        const app = graph.file(r.ref.file)?.routes.returnedApps?.[r.ref.fn];
        if (app !== undefined) return nodes.get(key(r.ref.file, app));
      }
    if (!item.app) return undefined;
    if (item.app.kind === 'local') return nodes.get(key(file, item.app.app));
    const found = graph.appAt(file, item.app.source, item.app.path);
    return found ? nodes.get(key(found.file, found.app)) : undefined;
  }
  // @fastify/autoload: plugins nobody registers by hand are loaded into the instance that autoloads
  for (const f of files) {
    if (f.routes.autoload === undefined) continue;
    const parent = nodes.get(key(f.file, f.routes.autoload));
    if (!parent) continue;
    for (const n of nodes.values()) {
      if (n.app.param && n.app.framework === 'fastify' && !hasParent.has(n) && n !== parent)
        addEdge(parent, {
          child: n,
          seq: Number.MAX_SAFE_INTEGER,
          span: parent.app.span,
          before: [],
        });
    }
  }

  // Koa: a router mounted from a plugin registry (`router.use(provider.router.routes())`) is one
  // the bindings cannot follow; the project's routers that nobody mounts are the ones it can be
  const orphanRouters = [...nodes.values()].filter((n) => n.app.router && !hasParent.has(n));
  for (const parent of nodes.values()) {
    for (const use of parent.app.uses) {
      if (!use.items.some((it) => it.opaqueRouter)) continue;
      for (const child of orphanRouters)
        addEdge(parent, { child, seq: use.seq, span: use.span, before: [], guessed: true });
    }
  }

  const usesAutoload = files.some((f) => f.routes.autoload !== undefined);
  // a guard class that limits only some requests and lets the rest through guards nothing by name
  const bypassing = new Set(files.flatMap((f) => f.routes.bypassingGuards ?? []));
  const limits = (name: string | undefined) => !!name && !bypassing.has(name);
  const tokenGuards = new Set(files.flatMap((f) => f.routes.tokenGuards ?? []));
  const projectLimiters: Array<ProjectLimiter & { file: string }> = files.flatMap((f) =>
    f.routes.projectLimiters
      .filter((l) => (!l.viaAutoload || usesAutoload) && limits(l.name))
      .map((l) => ({ ...l, file: f.file })),
  );
  // NestJS: limiter guard classes declared in one file and used in another (`@UseGuards(X)`,
  // `{ provide: APP_INTERCEPTOR, useClass: X }`), sign-in guards, named throttlers, app roots
  const limiterGuards = new Set(files.flatMap((f) => f.routes.limiterGuards ?? []));
  for (const f of files)
    for (const g of f.routes.globalGuards ?? [])
      if (limiterGuards.has(g.name) && limits(g.name))
        projectLimiters.push({ framework: 'nestjs', name: g.name, span: g.span, file: f.file });
  const credentialGuards = new Map(
    files.flatMap((f) => Object.entries(f.routes.credentialGuards ?? {})),
  );
  const throttlerNames = [...new Set(files.flatMap((f) => f.routes.throttlerNames ?? []))];
  if (throttlerNames.length === 0) throttlerNames.push('default');
  // `@SkipThrottle({ chat: true })` skips only `chat`: the other throttlers still apply
  const skipsAll = (skips: readonly string[] | undefined): boolean =>
    !skips ||
    throttlerNames.every(
      (n) => skips.includes(n) || (throttlerNames.length === 1 && skips.includes('?')),
    );
  const nestRoots = files
    .filter((f) => f.routes.nestEntry)
    .map((f) => f.file.slice(0, f.file.lastIndexOf('/') + 1));
  // NestJS authentication applied to many controllers at once: a global guard verifying the
  // caller (`APP_GUARD` with a token guard) per app root, and middleware bound with `forRoutes`
  const globalAuth = files.flatMap((f) =>
    (f.routes.globalGuards ?? [])
      .filter((g) => tokenGuards.has(g.name))
      .map((g) => ({ name: g.name, file: f.file })),
  );
  const composed = new Map(files.flatMap((f) => Object.entries(f.routes.composedDecorators ?? {})));
  const middlewareAuth = new Set(files.flatMap((f) => f.routes.protectedControllers ?? []));
  const nestRoot = (file: string): string | undefined =>
    nestRoots.filter((r) => file.startsWith(r)).sort((a, b) => b.length - a.length)[0];

  // ---- traversal -----------------------------------------------------------------------------
  // functions that verify a token themselves (or through a wrapper): middleware made of them
  // protects a route
  const verifiers = new Set<number>();
  for (const f of files) {
    for (const site of f.verifySites)
      if (site.fn >= 0) verifiers.add(graph.refKey({ file: f.file, fn: site.fn }));
    for (const call of f.projectCalls) {
      if (call.fn < 0) continue;
      if (
        graph
          .resolve(f.file, call.target)
          .some((r) =>
            r.kind === 'jwt' ? r.api.operation === 'verify' : !!graph.wrapperApi(r.ref),
          )
      )
        verifiers.add(graph.refKey({ file: f.file, fn: call.fn }));
    }
  }
  const verifierCache = new Map<ChainItem, boolean>();
  const isVerifierItem = (file: string, item: ChainItem): boolean => {
    let v = verifierCache.get(item);
    if (v === undefined) {
      v =
        !!item.verifies ||
        (item.app?.kind === 'module' && graph.verifierAt(file, item.app.source, item.app.path)) ||
        fnResolve(file, item).some(
          (ref) =>
            verifiers.has(graph.refKey(ref)) ||
            !!graph.fn(ref)?.handler?.requiresCaller ||
            (graph.fn(ref)?.calls ?? []).some((t) =>
              graph
                .resolve(ref.file, t)
                .some((r) => r.kind === 'fn' && verifiers.has(graph.refKey(r.ref))),
            ),
        );
      verifierCache.set(item, v);
    }
    return v;
  };
  const limiterCache = new Map<ChainItem, boolean>();
  const isLimiterItem = (file: string, item: ChainItem): boolean => {
    let v = limiterCache.get(item);
    if (v === undefined) limiterCache.set(item, (v = isLimiterItemUncached(file, item)));
    return v;
  };
  const isLimiterItemUncached = (file: string, item: ChainItem): boolean =>
    !!item.limiter ||
    fnResolve(file, item).some((ref) => graph.reaches(ref, (fn) => !!fn.handler?.limits));
  const guardOf = (file: string, item: ChainItem): Guard => ({
    name: item.limiter ?? `limiter called in ${item.label}`,
    file,
    span: item.span,
  });

  const routes: LinkedRoute[] = [];
  const visit = (
    node: AppNode,
    prefix: string | undefined,
    inherited: ScopedGuard[],
    mounts: Mount[],
    stack: Set<AppNode>,
    protectedBy: ScopedGuard[] = [],
    testOnly = false,
    parentFramework?: Framework,
  ) => {
    if (stack.has(node) || routes.length > MAX_INSTANCES) return;
    stack.add(node);
    const app = node.app;
    const base = join(prefix, app.prefix);
    // an app handed in as a parameter (`module.exports = (router) => {...}`) is what its parent
    // is built with: a Koa router's routes are Koa routes whatever the file imports
    const framework = app.param && parentFramework ? parentFramework : app.framework;
    const appWide: ScopedGuard[] = [];
    if (app.limiter)
      appWide.push({
        name: app.limiter.name,
        file: node.file,
        span: app.limiter.span,
        wide: true,
        after: app.limiter.seq,
      });
    // a fastify-plugin-wrapped child shares its registrations (rate-limit included) with its parent
    for (const e of edges.get(node) ?? []) {
      if (e.child.app.unencapsulated && e.child.app.limiter)
        appWide.push({
          name: e.child.app.limiter.name,
          file: e.child.file,
          span: e.child.app.limiter.span,
          wide: true,
        });
    }
    const usesBefore = (seq: number): ScopedGuard[] =>
      app.uses
        .filter((u) => !app.ordered || u.seq < seq)
        .flatMap((u) =>
          u.items
            .filter((it) => !it.app && isLimiterItem(node.file, it))
            .map((it) => ({
              ...guardOf(node.file, it),
              under: u.path === undefined ? undefined : join(base, u.path),
            })),
        );

    const verifiersBefore = (seq: number): ScopedGuard[] =>
      app.uses
        .filter((u) => !app.ordered || u.seq < seq)
        .flatMap((u) =>
          u.items
            .filter((it) => !it.app && isVerifierItem(node.file, it))
            .map((it) => ({
              ...guardOf(node.file, it),
              name: it.label,
              under: u.path === undefined ? undefined : join(base, u.path),
            })),
        );
    for (const route of app.routes) {
      const full = route.path === undefined ? undefined : join(base, route.path);
      const functions = route.items.flatMap((it) => fnResolve(node.file, it));
      const verifier = route.items.slice(0, -1).find((it) => isVerifierItem(node.file, it));
      const viaDecorators = (route.decorators ?? []).flatMap((d) => {
        const c = composed.get(d);
        return c ? [c] : [];
      });
      const protection =
        route.protectedBy ??
        viaDecorators
          .map((c) => c.protectedBy ?? c.guards.find((g) => tokenGuards.has(g)))
          .find(Boolean) ??
        (app.controller && middlewareAuth.has(app.controller)
          ? `authentication middleware on ${app.controller}`
          : undefined) ??
        (app.framework === 'nestjs' && !route.isPublic
          ? globalAuth.find((g) => sameRoot(nestRoot(g.file), nestRoot(node.file)))?.name
          : undefined) ??
        route.guards?.find((g) => tokenGuards.has(g)) ??
        verifier?.label ??
        [...protectedBy, ...verifiersBefore(route.seq)].find((g) => covers(g.under, full))?.name;
      const own = route.items.find((it) => isLimiterItem(node.file, it));
      const optOut = !!route.optOut && skipsAll(route.skips);
      const guardClass = optOut
        ? undefined
        : ([...(route.guards ?? []), ...viaDecorators.flatMap((c) => c.guards)].find(
            (g) => limiterGuards.has(g) && limits(g),
          ) ?? viaDecorators.map((c) => c.limiter).find((l) => limits(l)));
      let guard: Guard | null = null;
      if (guardClass) guard = { name: guardClass, file: node.file, span: route.span };
      else if (limits(route.limiter))
        guard = { name: route.limiter!, file: node.file, span: route.span };
      else if (own) guard = guardOf(node.file, own);
      else {
        const candidates = [
          ...inherited,
          ...appWide,
          ...usesBefore(route.seq),
          ...projectGuards(projectLimiters, app.framework, full).filter(
            // a Nest app's global guard covers the controllers of that app only
            (g) => app.framework !== 'nestjs' || sameRoot(nestRoot(g.file), nestRoot(node.file)),
          ),
        ];
        const found = candidates.find(
          (g) =>
            !(optOut && g.wide) &&
            covers(g.under, full) &&
            (g.after === undefined || !appWide.includes(g) || route.seq > g.after),
        );
        if (found) guard = { name: found.name, file: found.file, span: found.span };
      }
      // a guard class's declared strategy before what its name suggests
      const credential =
        route.guards?.map((g) => credentialGuards.get(g)).find(Boolean) ??
        route.credential ??
        viaDecorators.map((c) => c.credential).find(Boolean) ??
        route.items.find((it) => it.credential)?.credential;
      routes.push({
        framework,
        method: route.method,
        path: full,
        file: node.file,
        span: route.span,
        functions,
        handler: functions[functions.length - 1],
        guard,
        mounts,
        ...(protection ? { protectedBy: protection } : {}),
        ...(credential ? { credential } : {}),
        ...(testOnly || route.testOnly ? { testOnly: true } : {}),
      });
    }
    for (const e of edges.get(node) ?? []) {
      const childPrefix = e.guessed ? undefined : join(base, e.prefix);
      const passed: ScopedGuard[] = [
        ...inherited,
        // what a child inherits loses its position: it counts for the whole child
        ...appWide
          .filter((g) => g.after === undefined || e.seq > g.after)
          .map((g) => ({ ...g, after: undefined })),
        ...usesBefore(e.seq),
        ...e.before
          .filter((it) => isLimiterItem(node.file, it))
          .map((it) => ({ ...guardOf(node.file, it), under: childPrefix })),
      ];
      const protections: ScopedGuard[] = [
        ...protectedBy,
        ...verifiersBefore(e.seq),
        ...e.before
          .filter((it) => isVerifierItem(node.file, it))
          .map((it) => ({ ...guardOf(node.file, it), name: it.label, under: childPrefix })),
      ];
      visit(
        e.child,
        childPrefix,
        passed,
        [...mounts, { file: node.file, span: e.span, path: e.prefix }],
        stack,
        protections,
        testOnly || !!e.testOnly,
        framework,
      );
    }
    stack.delete(node);
  };
  for (const n of nodes.values()) if (!hasParent.has(n)) visit(n, undefined, [], [], new Set());
  // apps only reachable through a cycle of mounts: judge them on their own
  const seen = new Set(routes.map((r) => `${r.file}:${r.span.startLine}:${r.span.startColumn}`));
  for (const n of nodes.values()) {
    if (n.app.routes.some((r) => !seen.has(`${n.file}:${r.span.startLine}:${r.span.startColumn}`)))
      visit(n, undefined, [], [], new Set());
  }
  return { routes };
}

function sameRoot(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function projectGuards(
  limiters: ReadonlyArray<ProjectLimiter & { file: string }>,
  framework: Framework,
  path: string | undefined,
): ScopedGuard[] {
  const out: ScopedGuard[] = [];
  for (const l of limiters) {
    if (l.framework !== framework) continue;
    if (l.matcher && path !== undefined && !l.matcher.some((m) => matcherCovers(m, path))) continue;
    out.push({ name: l.name, file: l.file, span: l.span, wide: true });
  }
  return out;
}

/** Next.js matchers: `/api/:path*`, `/api/auth/(.*)`, `/login`. */
function matcherCovers(matcher: string, path: string): boolean {
  const literal = matcher
    .replace(/\/:[\w]+[*+?]?.*$/, '')
    .replace(/\/?\(.*$/, '')
    .replace(/\*.*$/, '');
  return covers(literal || '/', path);
}

/**
 * Does a limiter under `prefix` (absolute) guard `path`? Unknown paths are given the benefit of the
 * doubt.
 */
export function covers(prefix: string | undefined, path: string | undefined): boolean {
  if (prefix === undefined || path === undefined) return true;
  const p = normalise(prefix);
  if (p === '/') return true;
  const target = normalise(path);
  return target === p || target.startsWith(`${p}/`);
}

function normalise(path: string): string {
  let p = path.replace(/\(\.\*\)|\{\*\w*\}|\/\*+$|\*+$/g, '').replace(/\/+/g, '/');
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.toLowerCase();
}

/** Joins path pieces as routers do: `/api` + `auth/` + `/login` -> `/api/auth/login`. */
export function join(a: string | undefined, b: string | undefined): string {
  const parts = [a ?? '', b ?? ''].map((s) => s.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}

export type { RouteDecl };
