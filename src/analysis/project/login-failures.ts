/**
 * Login failures (SPEC `unmonitored-login-failure`): the statements that reject bad credentials
 * in a login route's handlers and in everything they call (any depth), and in login strategies
 * (passport-local, Feathers), each once, with whether it is monitored across files.
 */
import type { CallGraph, FnRef } from './call-graph.js';
import type { Endpoints } from './endpoints.js';
import type { Located, RelatedSpan } from './located.js';
import { registrations, routeLabel } from './registrations.js';
import type { RouteFacts } from './routes.js';
import type { ErrorFlow } from './error-flow.js';

export interface LoginFailure extends Located {
  /** Which credential was wrong: an unknown user or a wrong password. */
  what: 'user' | 'password';
  /** The login it belongs to: `POST /login`, or the strategy. */
  login: string;
  monitored: boolean;
  /** The route registration or strategy declaration. */
  related: RelatedSpan[];
}

interface Login {
  label: string;
  functions: readonly FnRef[];
  related: RelatedSpan;
}

export function buildLoginFailures(
  graph: CallGraph,
  routes: RouteFacts,
  endpoints: Endpoints,
  errorFlow?: ErrorFlow,
): LoginFailure[] {
  const logins: Login[] = [];
  for (const instances of registrations(routes.routes)) {
    const route = instances[0];
    if (!endpoints.isLogin(route)) continue;
    logins.push({
      label: routeLabel(route),
      functions: route.functions,
      related: { file: route.file, span: route.span, label: 'login route registered here' },
    });
  }
  for (const f of graph.files()) {
    for (const s of f.routes.loginStrategies)
      logins.push({
        label:
          s.library === 'feathers'
            ? 'the Feathers authentication strategy'
            : 'the passport-local strategy',
        functions: [{ file: f.file, fn: s.fn }],
        related: { file: f.file, span: s.span, label: 'login strategy declared here' },
      });
  }

  const logs = (fn: { handler?: { logs: boolean } }) => !!fn.handler?.logs;
  const out: LoginFailure[] = [];
  const seen = new Set<string>();
  for (const login of logins) {
    for (const ref of reachableFrom(graph, login.functions)) {
      for (const rejection of graph.fn(ref)?.handler?.rejections ?? []) {
        const k = `${ref.file}:${rejection.span.startLine}:${rejection.span.startColumn}`;
        if (seen.has(k)) continue;
        seen.add(k);
        let monitored =
          rejection.monitored ||
          rejection.calls.some((t) =>
            graph.resolve(ref.file, t).some((r) => r.kind === 'fn' && graph.reaches(r.ref, logs)),
          );
        // a thrown or forwarded rejection: monitored where its error ends recorded
        const end =
          !monitored && rejection.propagates && errorFlow
            ? rejection.propagates === 'passport'
              ? errorFlow.strategyFailureEnd(ref)
              : errorFlow.fromFunction(ref, rejection.propagates)
            : undefined;
        if (end?.recorded) monitored = true;
        out.push({
          file: ref.file,
          span: rejection.span,
          scope: graph.fn(ref)?.name ?? '<anonymous>',
          code: `${rejection.what} rejection`,
          what: rejection.what,
          login: login.label,
          monitored,
          related: end?.handler ? [login.related, end.handler] : [login.related],
        });
      }
    }
  }
  return out;
}

/** The functions a login runs: its chain's functions and everything they reach, each once. */
function* reachableFrom(graph: CallGraph, starts: readonly FnRef[]): Generator<FnRef> {
  const seen = new Set<number>();
  for (const start of starts) {
    for (const ref of graph.reachable(start)) {
      const k = graph.refKey(ref);
      if (seen.has(k)) continue;
      seen.add(k);
      yield ref;
    }
  }
}
