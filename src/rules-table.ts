import type { RuleMeta } from './types.js';

/** The `jwt-audit rules` table: id, default severity and description, aligned. */
export function renderRulesTable(metas: RuleMeta[]): string {
  const rows = metas.map((m) => [m.id, m.level, m.description]);
  const header = ['RULE', 'DEFAULT', 'DESCRIPTION'];
  const widths = [0, 1].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
