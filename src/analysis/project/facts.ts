/**
 * The facts rules read, computed once per scan from every file's extracted facts: JWT
 * verifications with resolved failure paths (direct, through wrappers in other files, through
 * project modules that re-export a library), token values written to logs, and the call graph
 * for anything cross-file.
 */
import type { FileFacts, TokenLog } from '../file/types.js';
import type { FailurePath } from '../file/types.js';
import type { Span } from '../file/ast.js';
import { CallGraph } from './call-graph.js';
import { ModuleResolver } from './module-resolution.js';
import type { WorkspacePackage } from '../../workspace.js';
import { buildRouteFacts, type RouteFacts } from './routes.js';
import { Endpoints } from './endpoints.js';
import { buildDenylistFacts, type DenylistFacts } from './denylists.js';
import { buildAuthEndpoints, type AuthEndpoint } from './auth-endpoints.js';
import { buildRefreshEndpoints, type RefreshEndpoint } from './refresh-endpoints.js';
import { buildLoginFailures, type LoginFailure } from './login-failures.js';
import { ErrorFlow } from './error-flow.js';
import type { RelatedSpan } from './located.js';

export interface Verification {
  file: string;
  /** The verification call, or the call of the wrapper whose error escapes into this function. */
  span: Span;
  label: string;
  library: string;
  via: 'direct' | 'wrapper';
  path: FailurePath;
  /**
   * Something on the failure path logs, measures or reports (across files), or what it propagates
   * ends in a place that records it (error-flow.ts).
   */
  monitored: boolean;
  /** The handler that answers the propagated error without a log, when it is that. */
  answeredBy?: RelatedSpan;
  /** A monitoring call on the path receives the error (or a value derived from it). */
  touchesError: boolean;
  scope: string;
  code: string;
}

export interface PropagatingVerification {
  file: string;
  span: Span;
  label: string;
  library: string;
}

export interface Facts {
  files: ReadonlyMap<string, FileFacts>;
  graph: CallGraph;
  verifications: Verification[];
  /** Verifications with no handler in their function: the error escapes (no finding). */
  propagating: PropagatingVerification[];
  tokenLogs: Array<TokenLog & { file: string }>;
  /** Routes, middleware chains and mounts of every framework, linked across files. */
  routes: RouteFacts;
  /** Which routes are auth, login and refresh endpoints. */
  endpoints: Endpoints;
  /** Denylist lookups and writes. */
  denylists: DenylistFacts;
  modules: ModuleResolver;
  /** Auth endpoints, one per route registration, with whether a limiter guards them. */
  readonly authEndpoints: readonly AuthEndpoint[];
  /** Refresh routes and routeless refresh handlers, with whether each refresh is recorded. */
  readonly refreshEndpoints: readonly RefreshEndpoint[];
  /** Statements rejecting bad credentials in login handlers, each once. */
  readonly loginFailures: readonly LoginFailure[];
  /** Is a failure path (of function `fn`) monitored, following calls and propagation? */
  monitors(file: string, fn: number, path: FailurePath): boolean;
  /** Where propagated errors end (error-flow.ts). */
  errorFlow: ErrorFlow;
}

export interface FactsOptions {
  /** The monorepo's own packages: imports of them resolve into the scanned files. */
  packages?: readonly WorkspacePackage[];
  /** Extra auth route patterns from config (`authRoutes`). */
  authRoutes?: readonly RegExp[];
  /** Path patterns that are never auth endpoints, from config (`notAuthRoutes`). */
  notAuthRoutes?: readonly RegExp[];
}

export function buildFacts(
  files: readonly FileFacts[],
  allFiles: readonly string[],
  options: FactsOptions = {},
): Facts {
  const modules = new ModuleResolver(allFiles, options.packages);
  const graph = new CallGraph(files, modules);
  const routes = buildRouteFacts(files, graph, modules);
  const errorFlow = new ErrorFlow(graph, routes);
  const monitors = (file: string, fn: number, path: FailurePath) =>
    errorFlow.pathEnd(file, fn, path).recorded;
  const touches = (file: string, path: FailurePath) =>
    path.evidence.some((e) => e.touchesError) ||
    path.calls.some((c) => c.withError && graph.targetMonitors(file, c.target));

  const verifications: Verification[] = [];
  const propagating: PropagatingVerification[] = [];
  const add = (
    file: string,
    site: { span: Span; label: string; scope: string; code: string; fn: number },
    library: string,
    via: Verification['via'],
    pathIndex: number,
  ) => {
    const facts = graph.file(file)!;
    const path = facts.failurePaths[pathIndex];
    const end = errorFlow.pathEnd(file, site.fn, path);
    verifications.push({
      file,
      span: site.span,
      label: site.label,
      library,
      via,
      path,
      // propagated into a project catch: the caller's own verification (a wrapper call) reports it
      monitored: end.recorded || (!!end.propagated && !end.atFramework),
      ...(end.handler ? { answeredBy: end.handler } : {}),
      touchesError: touches(file, path),
      scope: site.scope,
      code: site.code,
    });
  };

  /**
   * A verification with no handler in its function: its error ends where the framework handles it
   * (a finding only when that place answers without a log).
   */
  const escaping = (
    file: string,
    site: { span: Span; label: string; scope: string; code: string; fn: number },
    library: string,
  ) => {
    if (site.fn < 0) return;
    const end = errorFlow.fromFunction({ file, fn: site.fn }, 'plain');
    if (end.recorded || !end.atFramework) return;
    verifications.push({
      file,
      span: site.span,
      label: site.label,
      library,
      via: 'direct',
      path: { kind: 'catch', span: site.span, evidence: [], calls: [], classifies: false },
      monitored: false,
      ...(end.handler ? { answeredBy: end.handler } : {}),
      touchesError: false,
      scope: site.scope,
      code: site.code,
    });
  };

  for (const facts of files) {
    for (const site of facts.verifySites) {
      if (site.handling.kind === 'handled')
        add(facts.file, site, site.library, 'direct', site.handling.path);
      else if (site.handling.kind === 'propagates') {
        propagating.push({
          file: facts.file,
          span: site.span,
          label: site.label,
          library: site.library,
        });
        escaping(facts.file, site, site.library);
      }
    }
    for (const call of facts.projectCalls) {
      const resolved = graph.resolve(facts.file, call.target);
      let done = false;
      for (const r of resolved) {
        if (done) break;
        const api =
          r.kind === 'jwt'
            ? r.api.operation === 'verify'
              ? r.api
              : undefined
            : graph.wrapperApi(r.ref);
        if (api) {
          if (call.handling.kind === 'handled')
            add(
              facts.file,
              call,
              api.library,
              r.kind === 'jwt' ? 'direct' : 'wrapper',
              call.handling.path,
            );
          else if (call.handling.kind === 'propagates' && r.kind === 'jwt') {
            propagating.push({
              file: facts.file,
              span: call.span,
              label: call.label,
              library: api.library,
            });
            escaping(facts.file, call, api.library);
          }
          done = true;
          continue;
        }
        if (r.kind === 'fn') {
          const idx = graph.callbackWrapperIndex(r.ref);
          if (idx !== undefined && call.callbacks[idx] !== undefined) {
            add(facts.file, call, 'jsonwebtoken', 'wrapper', call.callbacks[idx]);
            done = true;
          }
        }
      }
    }
  }

  // middleware that verifies for you: one verification per construction, judged where it ends
  for (const { file, verifier } of errorFlow.verifiers) {
    const end = errorFlow.verifierEnd(file, verifier);
    if (end.recorded) continue;
    verifications.push({
      file,
      span: verifier.span,
      label: verifier.label,
      library: verifier.library,
      via: 'direct',
      path: {
        kind: 'catch',
        span: verifier.span,
        evidence: [],
        calls: [],
        classifies: false,
        ...(end.failOpen ? { failOpen: end.failOpen } : {}),
      },
      monitored: false,
      ...(end.handler ? { answeredBy: end.handler } : {}),
      touchesError: false,
      scope: verifier.scope,
      code: verifier.code,
    });
  }

  const tokenLogs = files.flatMap((f) => f.tokenLogs.map((t) => ({ ...t, file: f.file })));
  const endpoints = new Endpoints(graph, routes, {
    authRoutes: options.authRoutes ?? [],
    notAuthRoutes: options.notAuthRoutes ?? [],
  });
  const denylists = buildDenylistFacts(files, graph, errorFlow);
  // Computed when a rule first asks: a disabled rule costs nothing.
  let authEndpoints: AuthEndpoint[] | undefined;
  let refreshEndpoints: RefreshEndpoint[] | undefined;
  let loginFailures: LoginFailure[] | undefined;
  return {
    get authEndpoints() {
      return (authEndpoints ??= buildAuthEndpoints(routes, endpoints));
    },
    get refreshEndpoints() {
      return (refreshEndpoints ??= buildRefreshEndpoints(graph, routes, endpoints));
    },
    get loginFailures() {
      return (loginFailures ??= buildLoginFailures(graph, routes, endpoints, errorFlow));
    },
    files: new Map(files.map((f) => [f.file, f])),
    graph,
    verifications,
    propagating,
    tokenLogs,
    monitors,
    errorFlow,
    routes,
    endpoints,
    denylists,
    modules,
  };
}
