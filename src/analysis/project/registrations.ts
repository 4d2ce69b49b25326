/**
 * Route instances grouped by their registration (a router mounted twice is one place to fix),
 * with the labels and mount locations the endpoint facts carry.
 */
import type { LinkedRoute } from './routes.js';
import type { RelatedSpan } from './located.js';

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

/** A route registration as a located fact: labelled by method and path. */
export function routeLocation(route: LinkedRoute): {
  file: string;
  span: LinkedRoute['span'];
  scope: string;
  code: string;
} {
  return {
    file: route.file,
    span: route.span,
    scope: routeLabel(route),
    code: `${route.method} ${route.path ?? ''}`,
  };
}
