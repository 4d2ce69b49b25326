import type { Facts } from '../facts.js';
import type { Inventory } from '../../../types.js';
import type { Locate } from './locate.js';

export function buildDenylistInventory(facts: Facts, locate: Locate): Inventory['denylistChecks'] {
  return facts.denylists.checks
    .map((c) => ({ label: c.label, location: locate(c.file, c.span), monitored: c.monitored }))
    .sort(
      (a, b) =>
        a.location.file.localeCompare(b.location.file) ||
        a.location.start.line - b.location.start.line ||
        a.location.start.column - b.location.start.column,
    );
}
