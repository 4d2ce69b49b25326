/**
 * Shared shapes for the endpoint rules' reports: one finding per route registration (a router
 * mounted twice is one place to fix), with the mount points as related locations.
 */
import type { RelatedSpan } from '../../rule.js';
import type { LinkedRoute } from './routes.js';

/** Route instances grouped by their registration, in a stable order. */
export function registrations(routes: readonly LinkedRoute[]): LinkedRoute[][] {
  const groups = new Map<string, LinkedRoute[]>();
  for (const r of routes) {
    const k = `${r.file}:${r.span.startLine}:${r.span.startColumn}:${r.method}`;
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  return [...groups.values()];
}

export function mountLocations(route: LinkedRoute): RelatedSpan[] {
  return route.mounts.map((m) => ({
    file: m.file,
    span: m.span,
    label: m.path ? `mounted under '${m.path}' here` : 'mounted here',
  }));
}

/** `POST /auth/login`, or the method alone when the path is not static. */
export function routeLabel(route: LinkedRoute): string {
  return route.path === undefined
    ? `${route.method} <dynamic path>`
    : `${route.method} ${route.path}`;
}
