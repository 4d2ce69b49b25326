/**
 * Refresh endpoints (SPEC `unmonitored-refresh`): routes that refresh tokens and sign new ones,
 * and refresh handlers no route reaches (oauth2orize exchanges, GraphQL resolvers, socket
 * handlers), each with whether its success path records the refresh.
 */
import type { CallGraph } from './call-graph.js';
import type { Endpoints } from './endpoints.js';
import type { Located, RelatedSpan } from './located.js';
import { mountLocations, registrations, routeLabel, routeLocation } from './registrations.js';
import type { RouteFacts } from './routes.js';

export type RefreshEndpoint = Located & {
  /** Something on the success path logs, measures or tracks usage (followed across files). */
  recorded: boolean;
} & ({ kind: 'route'; route: string; related: RelatedSpan[] } | { kind: 'handler'; name: string });

export function buildRefreshEndpoints(
  graph: CallGraph,
  routes: RouteFacts,
  endpoints: Endpoints,
): RefreshEndpoint[] {
  const records = (fn: { handler?: { successLogs: boolean } }) => !!fn.handler?.successLogs;
  const out: RefreshEndpoint[] = [];
  for (const instances of registrations(routes.routes)) {
    const r = instances[0];
    if (!endpoints.isRefresh(r) || !endpoints.handlerSigns(r)) continue;
    out.push({
      ...routeLocation(r),
      kind: 'route',
      route: routeLabel(r),
      related: mountLocations(r),
      recorded: r.functions.some((f) => graph.reaches(f, records, 'success')),
    });
  }
  for (const ref of endpoints.routelessRefreshHandlers()) {
    const fn = graph.fn(ref)!;
    const own = fn.name ?? `the callback of ${fn.handedOver}`;
    const name = fn.className && fn.name ? `${fn.className}.${fn.name}` : own;
    out.push({
      file: ref.file,
      span: fn.span,
      scope: name,
      code: name,
      kind: 'handler',
      name,
      recorded: graph.reaches(ref, records, 'success'),
    });
  }
  return out;
}
