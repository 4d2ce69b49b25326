/**
 * Human-readable report, laid out like ESLint's "stylish" formatter so it reads familiar:
 *
 * ```
 * src/auth/jwt.ts
 *    8:17  error  Failure of 'jwt.verify' is rejected without a log.  silent-verify-failure
 *                 ↳ catch clause at 10:5
 *   31:1   note   Failure of 'jwtVerify' is logged without its reason.  unclassified-verify-failure
 *
 * warning  src/broken.ts:3:7      ')' expected.  (parse-error)
 * note     src/vendor/big.min.js  Skipped: minified bundle (*.min.js).  (skipped)
 *
 * ✖ 2 problems (1 error, 0 warnings, 1 note) · 12 files scanned, 1 skipped, 0 suppressed
 * Ran 10 rules on 12 files: fail-open-verify, invalid-suppression, …
 * ```
 *
 * Columns are aligned per file, as in stylish. A suppressed finding (shown only with
 * --include-suppressed) is dimmed, ends with `(suppressed: <reason>)` and is not counted.
 *
 * The only chalk import in the project. Colour comes from `options.color` through a private Chalk
 * instance (never chalk's global, whose level depends on the process), so the output is a pure
 * function of its input.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { redactJwts } from '../redact.js';
import type { Finding, Notice, ScanResult, Severity, SourceLocation } from '../types.js';
import type { ReporterOptions } from './options.js';
import { noticeMessage } from './notice-text.js';

/**
 * Redacts JWTs and neutralises control characters: messages quote source code, and a string
 * literal in a scanned repository must not be able to move the cursor or recolour a terminal.
 */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return redactJwts(s).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface Row {
  line: string;
  column: string;
  severity: Severity;
  message: string;
  ruleId: string;
  related: string[];
  /**
   * The directive's justification, when the finding is suppressed (shown with
   * --include-suppressed).
   */
  suppressed?: string;
}

function relatedText(finding: Finding, loc: SourceLocation): string {
  const where =
    loc.file === finding.location.file
      ? `${loc.start.line}:${loc.start.column}`
      : `${clean(loc.file)}:${loc.start.line}:${loc.start.column}`;
  return loc.label ? `↳ ${clean(loc.label)} at ${where}` : `↳ related: ${where}`;
}

function toRow(finding: Finding): Row {
  return {
    line: String(finding.location.start.line),
    column: String(finding.location.start.column),
    severity: finding.severity,
    message: clean(finding.message),
    ruleId: finding.ruleId,
    related: finding.related.map((loc) => relatedText(finding, loc)),
    suppressed: finding.suppression
      ? clean(finding.suppression.justification || 'no reason given')
      : undefined,
  };
}

function severityColor(c: ChalkInstance, severity: Severity): ChalkInstance {
  return severity === 'error' ? c.red : severity === 'warning' ? c.yellow : c.blue;
}

function renderFileGroup(c: ChalkInstance, file: string, findings: Finding[]): string[] {
  const rows = findings.map(toRow);
  const wLine = Math.max(...rows.map((r) => r.line.length));
  const wCol = Math.max(...rows.map((r) => r.column.length));
  const wSev = Math.max(...rows.map((r) => r.severity.length));
  const wMsg = Math.max(...rows.map((r) => r.message.length));
  // Where the message column starts: 2 indent + "line:col" + 2 + severity + 2.
  const messageStart = 2 + wLine + 1 + wCol + 2 + wSev + 2;
  const out = [c.underline(clean(file))];
  for (const r of rows) {
    const pos = `${r.line.padStart(wLine)}:${r.column.padEnd(wCol)}`;
    const sevColor = r.suppressed !== undefined ? c.dim : severityColor(c, r.severity);
    const sev = sevColor(r.severity) + ' '.repeat(wSev - r.severity.length);
    const msg = r.message + ' '.repeat(wMsg - r.message.length);
    if (r.suppressed === undefined) {
      out.push(`  ${c.dim(pos)}  ${sev}  ${msg}  ${c.dim(r.ruleId)}`);
    } else {
      out.push(
        `  ${c.dim(pos)}  ${sev}  ${c.dim(msg)}  ${c.dim(r.ruleId)}  ` +
          `${c.dim(`(suppressed: ${r.suppressed})`)}`,
      );
    }
    for (const rel of r.related) out.push(' '.repeat(messageStart) + c.dim(rel));
  }
  return out;
}

function renderNotices(c: ChalkInstance, notices: Notice[]): string[] {
  const rows = notices.map((n) => {
    const where = n.file
      ? clean(n.file) + (n.line ? `:${n.line}${n.column ? `:${n.column}` : ''}` : '')
      : '';
    const rule = n.ruleId ? ` [${n.ruleId}]` : '';
    return { level: n.level, where, text: `${clean(noticeMessage(n))}${rule}  (${n.kind})` };
  });
  const wLevel = Math.max(...rows.map((r) => r.level.length));
  const wWhere = Math.max(...rows.map((r) => r.where.length));
  return rows.map((r) => {
    const level = severityColor(c, r.level)(r.level) + ' '.repeat(wLevel - r.level.length);
    const where = wWhere > 0 ? `${r.where.padEnd(wWhere)}  ` : '';
    return `${level}  ${where}${r.text}`;
  });
}

function renderSummary(c: ChalkInstance, result: ScanResult): string[] {
  // Counts come from the findings shown (already filtered by baseline/--since), suppressed ones
  // aside.
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  let suppressedShown = 0;
  for (const f of result.findings) {
    if (f.suppression) suppressedShown++;
    else counts[f.severity]++;
  }
  const total = counts.error + counts.warning + counts.note;
  const s = result.summary;
  const hiddenHint =
    s.suppressed > 0 && suppressedShown === 0 ? ' (--include-suppressed shows them)' : '';
  const files = [
    `${plural(s.filesScanned, 'file')} scanned`,
    `${s.filesSkipped} skipped`,
    `${plural(s.testFilesSkipped, 'test file')} skipped`,
    `${s.suppressed} suppressed${hiddenHint}`,
    ...(s.baselineHidden !== undefined
      ? [`${s.baselineHidden} known (in the baseline) not shown`]
      : []),
  ].join(', ');
  let head: string;
  if (total === 0) {
    head = c.green('✔ No problems found');
  } else {
    const text =
      `✖ ${plural(total, 'problem')} (${plural(counts.error, 'error')}, ` +
      `${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')})`;
    head = c.bold((counts.error > 0 ? c.red : counts.warning > 0 ? c.yellow : c.blue)(text));
  }
  const lines = [`${head} · ${files}`];
  if (result.rules.length > 0) {
    lines.push(
      c.dim(
        `Ran ${plural(result.rules.length, 'rule')} on ${plural(s.filesScanned, 'file')}: ` +
          result.rules.map((r) => r.id).join(', '),
      ),
    );
  }
  if (s.rateLimitedUpstream !== undefined) {
    lines.push(
      `Rate limiting is done upstream, so missing-rate-limit is off: ` +
        `${clean(s.rateLimitedUpstream)}`,
    );
  }
  return lines;
}

export function textReporter(result: ScanResult, options: ReporterOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const blocks: string[][] = [];

  // Findings arrive sorted by file; group consecutive runs, keeping that order.
  let group: Finding[] = [];
  const flush = () => {
    if (group.length > 0) blocks.push(renderFileGroup(c, group[0].location.file, group));
    group = [];
  };
  for (const f of result.findings) {
    if (group.length > 0 && group[0].location.file !== f.location.file) flush();
    group.push(f);
  }
  flush();

  const notices = options.quiet
    ? result.notices.filter((n) => n.level === 'error')
    : result.notices;
  if (notices.length > 0) blocks.push(renderNotices(c, notices));
  if (!options.quiet) blocks.push(renderSummary(c, result));
  return blocks.length === 0 ? '' : `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
