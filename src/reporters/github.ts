/**
 * GitHub Actions workflow commands (`--format github`): one annotation per finding, shown on the
 * pull request's changed files and the run summary.
 *
 * ```
 * ::error file=src/auth/jwt.ts,line=8,col=17,endLine=8,endColumn=44,title=jwt-audit
 * silent-verify-failure::Failure of 'jwt.verify' …
 * ```
 *
 * GitHub shows at most 10 annotations of each type per step, so findings are printed most severe
 * first (ties in file order), and the output ends with a plain summary line. `file` is the
 * repository-relative path, which is what GitHub resolves annotations against. Escaping follows
 * `@actions/core` (`toCommandValue`/`escapeData`/`escapeProperty`): a message cannot end the
 * command or start a new one.
 */
import { redactJwts } from '../redact.js';
import {
  SEVERITY_RANK,
  type Finding,
  type Notice,
  type ScanResult,
  type Severity,
} from '../types.js';
import type { ReporterOptions } from './options.js';
import { noticeMessage } from './notice-text.js';

/** GitHub shows at most this many annotations per type (error, warning, notice) per step. */
const ANNOTATIONS_SHOWN_PER_TYPE = 10;

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  note: 'notice',
};

/** Escapes a command's message: `%`, CR, LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: as data, plus `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** For plain (non-command) lines: one line, so nothing in it can start a workflow command. */
function oneLine(s: string): string {
  return redactJwts(s).replace(/[\r\n]+/g, ' ');
}

function command(
  kind: string,
  properties: Array<[string, string | number | undefined]>,
  message: string,
): string {
  const props = properties
    .filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${props ? ` ${props}` : ''}::${escapeData(redactJwts(message))}`;
}

function findingAnnotation(f: Finding): string {
  const { start, end } = f.location;
  // GitHub ignores (and @actions/core forbids) columns on annotations spanning several lines.
  const singleLine = end.line === start.line;
  return command(
    COMMAND[f.severity],
    [
      ['file', f.location.uri],
      ['line', start.line],
      ['col', singleLine ? start.column : undefined],
      ['endLine', end.line],
      ['endColumn', singleLine ? end.column : undefined],
      ['title', `jwt-audit ${f.ruleId}`],
    ],
    f.message,
  );
}

function noticeAnnotation(n: Notice): string {
  return command(
    COMMAND[n.level],
    [
      ['file', n.file],
      ['line', n.line],
      ['col', n.line ? n.column : undefined],
      ['title', `jwt-audit ${n.kind}`],
    ],
    noticeMessage(n),
  );
}

/** Most severe first; ties keep their (file, line, column, rule) order. */
function bySeverity<T>(items: T[], severity: (t: T) => Severity): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => SEVERITY_RANK[severity(b.item)] - SEVERITY_RANK[severity(a.item)] || a.i - b.i)
    .map((x) => x.item);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function githubReporter(result: ScanResult, _options: ReporterOptions): string {
  const active = result.findings.filter((f) => !f.suppression);
  const suppressed = result.findings.filter((f) => f.suppression);
  const lines: string[] = [];

  for (const f of bySeverity(active, (x) => x.severity)) lines.push(findingAnnotation(f));
  // Suppressed findings (--include-suppressed) are listed, not annotated: an annotation would
  // present them as open problems on the pull request.
  for (const f of suppressed) {
    const { uri, start } = f.location;
    lines.push(
      oneLine(
        `jwt-audit: suppressed ${f.severity} ${uri}:${start.line}:${start.column} ` +
          `${f.ruleId}: ${f.message} (${f.suppression!.justification})`,
      ),
    );
  }
  for (const n of bySeverity(result.notices, (x) => x.level)) lines.push(noticeAnnotation(n));

  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of active) counts[f.severity]++;
  const files = new Set(active.map((f) => f.location.uri)).size;
  const s = result.summary;
  let summary =
    `jwt-audit: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ` +
    `${plural(counts.note, 'note')}` +
    ` in ${plural(files, 'file')} (${s.filesScanned} scanned, ${s.filesSkipped} skipped, ` +
    `${s.testFilesSkipped} test files skipped, ${s.suppressed} suppressed` +
    `${knownNotShown(s)}).`;
  const annotationCounts: Record<Severity, number> = { ...counts };
  for (const n of result.notices) annotationCounts[n.level]++;
  if (Object.values(annotationCounts).some((n) => n > ANNOTATIONS_SHOWN_PER_TYPE)) {
    summary +=
      ` GitHub shows only the first ${ANNOTATIONS_SHOWN_PER_TYPE} annotations of each type; ` +
      `the log above lists all of them.`;
  }
  if (s.rateLimitedUpstream !== undefined) {
    summary +=
      ` Rate limiting is done upstream, so missing-rate-limit is off: ` +
      `${s.rateLimitedUpstream}`;
  }
  lines.push(oneLine(summary));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// $GITHUB_STEP_SUMMARY
// ---------------------------------------------------------------------------------------------

/** How many findings the step summary lists. */
const TOP_FINDINGS = 20;

/** Text for a Markdown table cell: one line, no `|`, no HTML, no Markdown emphasis surprises. */
function cell(s: string): string {
  return redactJwts(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}

/** Text inside a code span in a table cell: no backticks, `|` escaped (GFM splits cells first). */
function codeCell(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|');
}

const SEVERITY_LABEL: Record<Severity, string> = {
  error: 'Error',
  warning: 'Warning',
  note: 'Note',
};

/**
 * Markdown for `$GITHUB_STEP_SUMMARY`: totals, a findings-per-rule table and the most severe
 * findings. Pure: the CLI appends it to the file GitHub names.
 */
/** `, 3 known (in the baseline) not shown` when a baseline hid findings, else nothing. */
function knownNotShown(s: ScanResult['summary']): string {
  return s.baselineHidden !== undefined
    ? `, ${s.baselineHidden} known (in the baseline) not shown`
    : '';
}

export function renderStepSummary(result: ScanResult): string {
  const active = result.findings.filter((f) => !f.suppression);
  const s = result.summary;
  const out: string[] = ['## jwt-audit', ''];
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of active) counts[f.severity]++;

  if (active.length === 0) {
    out.push('No problems found.');
  } else {
    out.push(
      `**${plural(active.length, 'finding')}**: ${plural(counts.error, 'error')}, ` +
        `${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}.`,
    );
  }
  out.push(
    '',
    `${plural(s.filesScanned, 'file')} scanned, ${s.filesSkipped} skipped, ` +
      `${plural(s.testFilesSkipped, 'test file')} skipped, ${s.suppressed} ` +
      `suppressed${knownNotShown(s)}.`,
  );
  if (s.rateLimitedUpstream !== undefined) {
    out.push(
      '',
      `Rate limiting is done upstream, so \`missing-rate-limit\` is off: ` +
        `${cell(s.rateLimitedUpstream)}`,
    );
  }

  if (active.length > 0) {
    // Rules in registry order, then any rule not in the registry, by id.
    const perRule = new Map<string, { severity: Severity; count: number }>();
    for (const f of active) {
      const entry = perRule.get(f.ruleId);
      if (entry) {
        entry.count++;
        if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[entry.severity]) entry.severity = f.severity;
      } else perRule.set(f.ruleId, { severity: f.severity, count: 1 });
    }
    const order = result.rules.map((r) => r.id).filter((id) => perRule.has(id));
    const extra = [...perRule.keys()].filter((id) => !order.includes(id)).sort();
    const docs = new Map(result.rules.map((r) => [r.id, r.docsUrl]));
    out.push('', '| Rule | Severity | Findings |', '| --- | --- | ---: |');
    for (const id of [...order, ...extra]) {
      const { severity, count } = perRule.get(id)!;
      const url = docs.get(id);
      const name = url ? `[\`${id}\`](${url})` : `\`${id}\``;
      out.push(`| ${name} | ${SEVERITY_LABEL[severity]} | ${count} |`);
    }

    const top = bySeverity(active, (f) => f.severity).slice(0, TOP_FINDINGS);
    out.push(
      '',
      active.length > TOP_FINDINGS
        ? `### Top ${TOP_FINDINGS} of ${active.length} findings`
        : '### Findings',
      '',
    );
    out.push('| Severity | Location | Rule | Message |', '| --- | --- | --- | --- |');
    for (const f of top) {
      const where = `${f.location.uri}:${f.location.start.line}:${f.location.start.column}`;
      out.push(
        `| ${SEVERITY_LABEL[f.severity]} | \`${codeCell(where)}\` | \`${f.ruleId}\` | ` +
          `${cell(f.message)} |`,
      );
    }
  }

  const problems = result.notices.filter((n) => n.level !== 'note');
  if (problems.length > 0) {
    out.push('', `<details><summary>${plural(problems.length, 'run notice')}</summary>`, '');
    for (const n of problems) {
      const where = n.file ? `\`${codeCell(n.file + (n.line ? `:${n.line}` : ''))}\` ` : '';
      out.push(`- ${SEVERITY_LABEL[n.level]} (${n.kind}): ${where}${cell(noticeMessage(n))}`);
    }
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
