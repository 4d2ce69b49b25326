/**
 * `--format html`: one self-contained page a security lead can open from a CI artifact. No
 * network requests (inline CSS, inline JS, inline SVG charts drawn here), readable offline, in
 * print and in dark mode. Scanned code is untrusted input: every piece of text goes through
 * `escapeHtml` (after JWT redaction), and the page embeds no data inside `<script>` — the
 * script reads `data-*` attributes, so nothing in a finding can break out of it.
 */
import path from 'node:path';
import type { Finding, ScanResult, RuleInfo, Severity, SourceLocation } from '../types.js';
import { redactJwts } from '../redact.js';
import type { ReporterOptions } from './options.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { noticeMessage } from './notice-text.js';

const SEVERITIES: Severity[] = ['error', 'warning', 'note'];
const EXCERPT_CONTEXT = 2;

/** Escapes text for HTML element content and quoted attribute values, after redacting JWTs. */
export function escapeHtml(text: string): string {
  return redactJwts(text).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
const SEARCH_INPUT =
  '<input type="search" name="q" placeholder="message, file, rule" data-testid="search">';
const VIEW_SELECT =
  '<select name="view"><option value="rule">rule</option>' +
  '<option value="file">file</option></select>';

export function htmlReporter(scanned: ScanResult, reporterOptions: ReporterOptions): string {
  const { result, options } = relocate(scanned, reporterOptions);
  const root = options.scanRoot ?? options.cwd;
  const project = path.basename(root) || root;
  const counts = Object.fromEntries(
    SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length]),
  ) as Record<Severity, number>;
  const rulesById = new Map(result.rules.map((r) => [r.id, r]));
  const byRule = groupBy(result.findings, (f) => f.ruleId);
  const byFile = groupBy(result.findings, (f) => f.location.file);
  const ids = new Map(result.findings.map((f, i) => [f, `f${i + 1}`]));
  const summary = result.summary;
  const total = result.findings.length;
  const version = escapeHtml(result.toolVersion);

  const scannedAt = result.timing ? `Scanned ${escapeHtml(result.timing.startTimeUtc)} · ` : '';
  const files =
    `<span data-testid="files-scanned">${summary.filesScanned}</span> files scanned, ` +
    `${summary.filesSkipped} skipped, ${summary.testFilesSkipped} test files skipped`;
  const suppressed = summary.suppressed ? `, ${summary.suppressed} suppressed` : '';
  const known =
    summary.baselineHidden !== undefined
      ? `, <span data-testid="baseline-hidden">${summary.baselineHidden}</span>` +
        ' known (in the baseline) not shown'
      : '';
  const severityCounts = SEVERITIES.map(
    (s) =>
      `<li class="sev-${s}"><strong data-testid="count-${s}">${counts[s]}</strong> ` +
      `${s}${counts[s] === 1 ? '' : 's'}</li>`,
  ).join('\n    ');
  const upstream = summary.rateLimitedUpstream
    ? '<p class="upstream">Rate limiting is done upstream: ' +
      `${escapeHtml(summary.rateLimitedUpstream)}</p>`
    : '';
  const ruleBars = result.rules
    .map((r) => ({ label: r.id, value: byRule.get(r.id)?.length ?? 0, severity: r.level }))
    .filter((b) => b.value > 0);
  const severityBars = SEVERITIES.map((s) => ({ label: s, value: counts[s], severity: s }));
  const severityBoxes = SEVERITIES.map(
    (s) => `<label><input type="checkbox" name="severity" value="${s}" checked> ${s}</label>`,
  ).join('\n      ');
  const ruleOptions = [...byRule.keys()]
    .sort()
    .map(
      (id) =>
        `<option value="${escapeHtml(id)}">${escapeHtml(id)} (${byRule.get(id)!.length})</option>`,
    )
    .join('');
  const ruleSelect =
    '<select name="rule" data-testid="rule-filter"><option value="">all rules</option>' +
    `${ruleOptions}</select>`;
  const redacted = 'Anything that looks like a JWT has been redacted.';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>jwt-audit report: ${escapeHtml(project)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
  <h1>jwt-audit report <span class="project">${escapeHtml(project)}</span></h1>
  <p class="meta">${scannedAt}jwt-audit ${version} · ${files}${suppressed}${known}</p>
  <ul class="counts" aria-label="Findings by severity">
    <li class="total"><strong data-testid="count-total">${total}</strong> findings</li>
    ${severityCounts}
  </ul>
  ${upstream}
</header>
<main>
<section class="charts" aria-label="Charts">
  <figure><figcaption>Findings per rule</figcaption>${barChart(ruleBars)}</figure>
  <figure><figcaption>Findings per severity</figcaption>${barChart(severityBars)}</figure>
</section>
${surface(result)}
<section aria-label="Findings">
  <h2>Findings</h2>
  <form class="controls" role="search" onsubmit="return false">
    <fieldset><legend>Severity</legend>
      ${severityBoxes}
    </fieldset>
    <label>Rule ${ruleSelect}</label>
    <label>Search ${SEARCH_INPUT}</label>
    <label>Group by ${VIEW_SELECT}</label>
    <output data-testid="visible-count" aria-live="polite">${total} shown</output>
  </form>
  ${total === 0 ? '<p class="empty">No findings.</p>' : ''}
  <div class="view" data-view="rule">
  ${[...byRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, findings]) => ruleSection(id, findings, rulesById.get(id), ids, options))
    .join('\n')}
  </div>
  <div class="view" data-view="file" hidden>
  ${[...byFile.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, findings]) => fileSection(file, findings, ids))
    .join('\n')}
  </div>
</section>
${problems(result)}
</main>
<footer>Generated by jwt-audit ${version}. ${redacted}</footer>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

function ruleSection(
  id: string,
  findings: Finding[],
  rule: RuleInfo | undefined,
  ids: Map<Finding, string>,
  options: ReporterOptions,
): string {
  const level = escapeHtml(rule?.level ?? '');
  const badge = `<span class="badge sev-${rule?.level ?? 'note'}">${level}</span>`;
  const count = `<span class="n">${findings.length}</span>`;
  const desc = `<span class="desc">${escapeHtml(rule?.description ?? '')}</span>`;
  return `<details class="rule" open data-rule="${escapeHtml(id)}">
  <summary><h3>${escapeHtml(id)}</h3> ${badge} ${count} ${desc}</summary>
  ${rule ? ruleHelp(rule) : ''}
  <ol class="findings">
  ${findings.map((f) => findingItem(f, ids.get(f)!, options)).join('\n  ')}
  </ol>
</details>`;
}

function example(caption: string, code: string): string {
  const pre = `<pre><code>${escapeHtml(code)}</code></pre>`;
  return `<figure><figcaption>${caption}</figcaption>${pre}</figure>`;
}

function ruleHelp(rule: RuleInfo): string {
  const cwe = rule.cwe.map((c) => `CWE-${c}`).join(', ');
  const docs = `<a href="${escapeHtml(rule.docsUrl)}">rule documentation</a>`;
  return `<details class="help"><summary>Why it matters and how to fix it</summary>
    <p>${escapeHtml(rule.fullDescription)}</p>
    <h4>Why it matters</h4><p>${escapeHtml(rule.rationale)}</p>
    <h4>How to fix it</h4><p>${escapeHtml(rule.remedy)}</p>
    <div class="examples">${example('Bad', rule.examples.bad)}
    ${example('Good', rule.examples.good)}</div>
    <p class="refs">CWE ${cwe} · precision ${escapeHtml(rule.precision)} · ${docs}</p>
  </details>`;
}

function findingItem(f: Finding, id: string, options: ReporterOptions): string {
  const loc = f.location;
  const search = `${f.ruleId} ${f.severity} ${f.message} ${loc.file}`.toLowerCase();
  const attributes =
    `data-rule="${escapeHtml(f.ruleId)}" data-severity="${f.severity}" ` +
    `data-search="${escapeHtml(search)}"`;
  const badge = `<span class="badge sev-${f.severity}">${f.severity}</span>`;
  const message = `<span class="msg">${escapeHtml(f.message)}</span>`;
  const at = `<code class="loc">${escapeHtml(where(loc))}</code>`;
  const suppressed = f.suppression
    ? ` <span class="suppressed">suppressed: ${escapeHtml(f.suppression.justification)}</span>`
    : '';
  const relatedItems = f.related
    .map(
      (r) => `<li>${escapeHtml(r.label ?? 'related')}: <code>${escapeHtml(where(r))}</code></li>`,
    )
    .join('');
  const related = f.related.length > 0 ? `<ul class="related">${relatedItems}</ul>` : '';
  return `<li class="finding sev-${f.severity}" id="${id}" ${attributes}>
    <details open><summary>${badge} ${message} ${at}${suppressed}</summary>
    ${excerpt(loc, options)}
    ${related}
    </details>
  </li>`;
}

function fileSection(file: string, findings: Finding[], ids: Map<Finding, string>): string {
  const items = findings
    .map((f) => {
      const search = `${f.ruleId} ${f.severity} ${f.message} ${file}`.toLowerCase();
      const at = `${f.location.start.line}:${f.location.start.column}`;
      return (
        `<li class="finding-ref sev-${f.severity}" data-rule="${escapeHtml(f.ruleId)}" ` +
        `data-severity="${f.severity}" data-search="${escapeHtml(search)}">` +
        `<a href="#${ids.get(f)}">${at}</a> ` +
        `<span class="badge sev-${f.severity}">${f.severity}</span> ` +
        `${escapeHtml(f.message)} <code>${escapeHtml(f.ruleId)}</code></li>`
      );
    })
    .join('');
  const count = `<span class="n">${findings.length}</span>`;
  return `<details class="file" open data-file="${escapeHtml(file)}">
  <summary><h3><code>${escapeHtml(file)}</code></h3> ${count}</summary>
  <ul>${items}</ul>
</details>`;
}

/** A few lines around the finding, line numbers in the gutter, the finding's lines marked. */
function excerpt(loc: SourceLocation, options: ReporterOptions): string {
  const lines = options.sourceLines?.(loc.file);
  if (!lines || lines.length === 0) return '';
  const from = Math.max(1, loc.start.line - EXCERPT_CONTEXT);
  const to = Math.min(lines.length, loc.end.line + EXCERPT_CONTEXT, loc.start.line + 12);
  const rows: string[] = [];
  for (let n = from; n <= to; n++) {
    const hit = n >= loc.start.line && n <= loc.end.line;
    const text = (lines[n - 1] ?? '').slice(0, 400);
    const number = `<span class="ln" aria-hidden="true">${n}</span>`;
    rows.push(`<span class="line${hit ? ' hit' : ''}">${number}${escapeHtml(text)}</span>`);
  }
  // no newline between the rows: each is a block, and a newline inside <pre> would add a blank
  // line
  const label = `Code around line ${loc.start.line}`;
  return `<pre class="excerpt" aria-label="${label}"><code>${rows.join('')}</code></pre>`;
}

function tableHead(cells: string[]): string {
  return `<thead><tr>${cells.map((c) => `<th>${c}</th>`).join('')}</tr></thead>`;
}

function routeRow(r: ScanResult['inventory']['routes'][number]): string {
  return (
    `<tr><td>${escapeHtml(r.method)}</td><td><code>${escapeHtml(r.path)}</code></td>` +
    `<td>${escapeHtml(r.framework)}</td>` +
    `<td class="${r.limiter ? 'ok' : 'none'}">${escapeHtml(r.limiter ?? 'none')}</td>` +
    `<td>${escapeHtml(r.authReason)}</td>` +
    `<td><code>${escapeHtml(where(r.location))}</code></td></tr>`
  );
}

function siteRow(v: ScanResult['inventory']['verifySites'][number]): string {
  return (
    `<tr><td><code>${escapeHtml(v.call)}</code></td><td>${escapeHtml(v.library)}</td>` +
    `<td class="h-${v.handling}">${escapeHtml(v.handling)}</td>` +
    `<td><code>${escapeHtml(where(v.location))}</code></td></tr>`
  );
}

function surface(result: ScanResult): string {
  const inv = result.inventory;
  const routeHead = tableHead([
    'Method',
    'Path',
    'Framework',
    'Rate limiter',
    'Why auth',
    'Location',
  ]);
  const siteHead = tableHead(['Call', 'Library', 'Failure handling', 'Location']);
  const routes =
    inv.routes.length === 0
      ? '<p class="empty">No auth routes recognised.</p>'
      : `<table class="routes">${routeHead}<tbody>${inv.routes.map(routeRow).join('')}` +
        '</tbody></table>';
  const sites =
    inv.verifySites.length === 0
      ? '<p class="empty">No JWT verification sites recognised.</p>'
      : `<table>${siteHead}<tbody>${inv.verifySites.map(siteRow).join('')}</tbody></table>`;
  const unlimited = inv.routes.filter((r) => !r.limiter).length;
  const routesTitle = `Auth routes (${inv.routes.length}, ${unlimited} without a rate limiter)`;
  const checksTitle =
    `Denylist checks (${inv.denylistChecks.length}) ` + `and monitors (${inv.monitors.length})`;
  const checks = inv.denylistChecks
    .map(
      (d) =>
        `<li><code>${escapeHtml(d.label)}</code> ${d.monitored ? 'monitored' : 'not monitored'} ` +
        `<code>${escapeHtml(where(d.location))}</code></li>`,
    )
    .join('');
  const monitors = inv.monitors
    .map((m) => `<li><code>${escapeHtml(m.name)}</code> (${escapeHtml(m.kind)})</li>`)
    .join('');
  return `<section class="surface" aria-label="Auth attack surface">
  <h2>Auth attack surface</h2>
  <details open><summary>${routesTitle}</summary>${routes}</details>
  <details><summary>JWT verification sites (${inv.verifySites.length})</summary>${sites}</details>
  <details><summary>${checksTitle}</summary>
    <ul>${checks}</ul>
    <ul>${monitors}</ul>
  </details>
</section>`;
}

function problems(result: ScanResult): string {
  if (result.notices.length === 0) return '';
  const items = result.notices
    .map((n) => {
      const line = n.line ? `:${n.line}` : '';
      const at = n.file ? ` <code>${escapeHtml(n.file)}${line}</code>` : '';
      const text = `${escapeHtml(n.kind)}: ${escapeHtml(noticeMessage(n))}`;
      return `<li class="sev-${n.level}">${text}${at}</li>`;
    })
    .join('');
  return (
    '<section class="notices" aria-label="Problems with the run"><details>' +
    `<summary>Problems with the run (${result.notices.length})</summary><ul>${items}</ul>` +
    '</details></section>'
  );
}

/** Horizontal bars, one per entry, as inline SVG. */
function barChart(bars: Array<{ label: string; value: number; severity: Severity }>): string {
  if (bars.length === 0) return '<p class="empty">Nothing to chart.</p>';
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 24;
  const labelW = 210;
  const barW = 260;
  const h = bars.length * rowH + 4;
  const rows = bars
    .map((b, i) => {
      const w = Math.max(2, Math.round((b.value / max) * barW));
      const y = i * rowH + 2;
      const label =
        `<text x="${labelW - 6}" y="${y + 16}" text-anchor="end">` +
        `${escapeHtml(b.label)}</text>`;
      const title = `<title>${escapeHtml(`${b.label}: ${b.value}`)}</title>`;
      const bar =
        `<rect class="bar sev-${b.severity}" x="${labelW}" y="${y + 3}" width="${w}" ` +
        `height="${rowH - 8}" rx="3">${title}</rect>`;
      const value = `<text x="${labelW + w + 6}" y="${y + 16}">${b.value}</text>`;
      return `<g>${label}${bar}${value}</g>`;
    })
    .join('');
  const width = labelW + barW + 50;
  const label = escapeHtml(bars.map((b) => `${b.label} ${b.value}`).join(', '));
  return (
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" ` +
    `aria-label="${label}">${rows}</svg>`
  );
}

/**
 * Paths as the reader of the report knows them: relative to the scanned folder when the scan was
 * of a folder outside the working directory (`other-app/src/a.ts`, not `../other-app/src/a.ts`).
 * Excerpts still read the file by its original path.
 */
function relocate(
  result: ScanResult,
  options: ReporterOptions,
): { result: ScanResult; options: ReporterOptions } {
  const root = options.scanRoot;
  if (root === undefined) return { result, options };
  const original = new Map<string, string>();
  const show = (file: string): string => {
    if (!file.startsWith('../')) return file;
    const rel = path.relative(root, path.resolve(options.cwd, file)).split(path.sep).join('/');
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return file;
    original.set(rel, file);
    return rel;
  };
  const loc = <T extends SourceLocation>(l: T): T => ({ ...l, file: show(l.file) });
  const inv = result.inventory;
  const relocated: ScanResult = {
    ...result,
    findings: result.findings.map((f) => ({
      ...f,
      location: loc(f.location),
      related: f.related.map(loc),
    })),
    notices: result.notices.map((n) => (n.file === undefined ? n : { ...n, file: show(n.file) })),
    inventory: {
      routes: inv.routes.map((r) => ({ ...r, location: loc(r.location) })),
      verifySites: inv.verifySites.map((v) => ({ ...v, location: loc(v.location) })),
      denylistChecks: inv.denylistChecks.map((d) => ({ ...d, location: loc(d.location) })),
      monitors: inv.monitors.map((m) => (m.location ? { ...m, location: loc(m.location) } : m)),
    },
  };
  const sourceLines = options.sourceLines;
  return {
    result: relocated,
    options: {
      ...options,
      sourceLines: sourceLines && ((file) => sourceLines(original.get(file) ?? file)),
    },
  };
}

function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.start.line}:${loc.start.column}`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}
