/**
 * Auth routes for the inventory: every route instance that counts as an auth endpoint, with
 * its full path, why it counts, and the limiter guarding it (or none) — the same answers
 * `missing-rate-limit` uses, so the inventory explains its findings.
 */
import type { Facts } from '../facts.js';
import type { Inventory } from '../../../types.js';
import type { Locate } from './locate.js';

export function buildRouteInventory(facts: Facts, locate: Locate): Pick<Inventory, 'routes'> {
  const routes: Inventory['routes'] = [];
  const seen = new Set<string>();
  for (const r of facts.routes.routes) {
    const authReason = facts.endpoints.authReason(r);
    if (!authReason) continue;
    const path = r.path ?? '<dynamic>';
    const k = `${r.file}:${r.span.startLine}:${r.span.startColumn}:${r.method}:${path}`;
    if (seen.has(k)) continue;
    seen.add(k);
    routes.push({
      framework: r.framework,
      method: r.method,
      path,
      location: locate(r.file, r.span),
      authReason,
      limiter: r.guard ? r.guard.name : null,
    });
  }
  routes.sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.start.line - b.location.start.line ||
      a.path.localeCompare(b.path),
  );
  return { routes };
}
