/**
 * Auth endpoints (SPEC `missing-rate-limit`): one per route registration whose handler issues a
 * token or checks a secret, with whether a rate limiter stands in front of every instance of it.
 */
import type { Endpoints } from './endpoints.js';
import type { Located, RelatedSpan } from './located.js';
import { mountLocations, registrations, routeLabel, routeLocation } from './registrations.js';
import type { RouteFacts } from './routes.js';

export interface AuthEndpoint extends Located {
  /** `POST /auth/login` as mounted (the first unlimited instance, else the first one). */
  route: string;
  /** Why it is an auth endpoint: what the handler does, or the path word. */
  reason: string;
  /** A limiter guards every instance of the registration. */
  limited: boolean;
  /** The mount points of the instance described. */
  related: RelatedSpan[];
}

export function buildAuthEndpoints(routes: RouteFacts, endpoints: Endpoints): AuthEndpoint[] {
  const out: AuthEndpoint[] = [];
  for (const instances of registrations(routes.routes)) {
    const auth = instances
      .map((r) => ({ r, reason: endpoints.authReason(r) }))
      .filter((x): x is { r: (typeof instances)[number]; reason: string } => !!x.reason);
    if (auth.length === 0) continue;
    const unlimited = auth.find((x) => !x.r.guard);
    const { r, reason } = unlimited ?? auth[0];
    out.push({
      ...routeLocation(r),
      route: routeLabel(r),
      reason,
      limited: !unlimited,
      related: mountLocations(r),
    });
  }
  return out;
}
