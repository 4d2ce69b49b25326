import type { Facts } from '../facts.js';
import type { Inventory, InventoryMonitor, SourceLocation } from '../../../types.js';
import { buildRouteInventory } from './routes.js';
import { buildDenylistInventory } from './denylists.js';

import type { Locate } from './locate.js';

export type { Locate };

export function buildInventory(facts: Facts, locate: Locate): Inventory {
  const verifySites: Inventory['verifySites'] = [
    ...facts.verifications.map((v) => ({
      call: v.label,
      library: v.library,
      location: locate(v.file, v.span),
      handling: (!v.monitored && v.path.failOpen
        ? 'fail-open'
        : v.monitored
          ? 'monitored'
          : 'unmonitored') as Inventory['verifySites'][number]['handling'],
    })),
    ...facts.propagating.map((p) => ({
      call: p.label,
      library: p.library,
      location: locate(p.file, p.span),
      handling: 'propagates' as const,
    })),
  ];
  verifySites.sort((a, b) => cmpLoc(a.location, b.location));

  const seen = new Set<string>();
  const monitors: InventoryMonitor[] = [];
  for (const f of facts.files.values()) {
    for (const m of f.monitors) {
      if (m.kind === 'propagate') continue;
      const kind: InventoryMonitor['kind'] =
        m.kind === 'log'
          ? 'logger'
          : m.kind === 'telemetry'
            ? 'telemetry'
            : m.kind === 'report'
              ? 'reporter'
              : m.kind === 'configured'
                ? 'configured'
                : 'project-function';
      const name = m.label.replace(/\.[^.]+$/, (s) => (m.kind === 'log' ? '' : s));
      const k = `${kind}:${name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      monitors.push({ name, kind, location: locate(f.file, m.span) });
    }
  }
  monitors.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  const routeInventory = buildRouteInventory(facts, locate);
  const errorHandlers = facts.errorFlow
    .allHandlers()
    .map((h) => ({
      name: h.fact.label,
      kind: h.fact.kind,
      location: locate(h.file, h.fact.span),
      records4xx: h.records4xx,
    }))
    .sort((a, b) => cmpLoc(a.location, b.location));
  return {
    routes: routeInventory.routes,
    verifySites,
    denylistChecks: buildDenylistInventory(facts, locate),
    monitors,
    ...(errorHandlers.length > 0 ? { errorHandlers } : {}),
  };
}

export function cmpLoc(a: SourceLocation, b: SourceLocation): number {
  return (
    a.file.localeCompare(b.file) || a.start.line - b.start.line || a.start.column - b.start.column
  );
}
