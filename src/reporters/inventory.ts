/**
 * `jwt-audit inventory`: the auth attack surface the analysis recognised, as text or json.
 * Pure: (inventory) => string.
 */
import type { Inventory, SourceLocation } from '../types.js';

export interface InventoryReportOptions {
  format: 'text' | 'json';
  /** Leave out the closing count line. */
  quiet?: boolean;
}

export function renderInventory(inventory: Inventory, options: InventoryReportOptions): string {
  if (options.format === 'json') return `${JSON.stringify(inventory, null, 2)}\n`;
  const sections: string[] = [];
  const where = (l: SourceLocation): string => `${l.file}:${l.start.line}:${l.start.column}`;

  sections.push(
    section(
      'Auth routes',
      ['METHOD', 'PATH', 'FRAMEWORK', 'LIMITER', 'WHY AUTH', 'LOCATION'],
      inventory.routes.map((r) => [
        r.method,
        r.path,
        r.framework,
        r.limiter ?? 'none',
        r.authReason,
        where(r.location),
      ]),
    ),
  );
  sections.push(
    section(
      'JWT verification sites',
      ['CALL', 'LIBRARY', 'FAILURE HANDLING', 'LOCATION'],
      inventory.verifySites.map((v) => [v.call, v.library, v.handling, where(v.location)]),
    ),
  );
  sections.push(
    section(
      'Denylist checks',
      ['CHECK', 'MONITORED', 'LOCATION'],
      inventory.denylistChecks.map((d) => [d.label, d.monitored ? 'yes' : 'no', where(d.location)]),
    ),
  );
  sections.push(
    section(
      'Loggers and monitors',
      ['NAME', 'KIND', 'LOCATION'],
      inventory.monitors.map((m) => [m.name, m.kind, m.location ? where(m.location) : '']),
    ),
  );
  if (inventory.errorHandlers?.length)
    sections.push(
      section(
        'Error handlers',
        ['HANDLER', 'KIND', 'RECORDS 4XX', 'LOCATION'],
        inventory.errorHandlers.map((h) => [
          h.name,
          h.kind,
          h.records4xx ? 'yes' : 'no',
          where(h.location),
        ]),
      ),
    );
  let text = sections.join('\n');
  if (!options.quiet) {
    const unlimited = inventory.routes.filter((r) => r.limiter === null).length;
    text +=
      `\n${inventory.routes.length} auth route(s) (${unlimited} without a rate limiter), ` +
      `${inventory.verifySites.length} verification site(s), ` +
      `${inventory.denylistChecks.length} denylist check(s), ${inventory.monitors.length} ` +
      `monitor(s).\n`;
  }
  return text;
}

function section(title: string, header: string[], rows: string[][]): string {
  if (rows.length === 0) return `${title}: none found\n`;
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return `${title} (${rows.length})\n${[header, ...rows].map((r) => `  ${line(r)}`).join('\n')}\n`;
}
