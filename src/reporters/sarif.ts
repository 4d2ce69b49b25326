/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
 *
 * Valid against the OASIS schema, and shaped by what GitHub actually reads (see
 * shared/sarif/README.md and docs.github.com "SARIF support for code scanning"):
 * - one run; every rule carries short/full descriptions (≤ 1024 chars), help text and Markdown with
 *   the docs link inside (GitHub does not show `helpUri`), `security-severity` as a numeric string
 *   next to the `security` tag, and `precision`;
 * - `artifactLocation.uri` is repository-relative (GitHub ignores `uriBaseId`), percent-encoded per
 *   path segment so spaces, `#`, `%` and Next.js `[id]` folders stay valid URI references;
 * - `partialFingerprints.primaryLocationLineHash` as the upload action computes it, plus our own
 *   line-independent `jwtAudit/v1`;
 * - results with `suppressions` become *open* alerts on GitHub, so the engine leaves suppressed
 *   findings out unless `--include-suppressed` asked for them; then they are marked `inSource`;
 * - at most 25,000 results per run (GitHub rejects more): the most severe are kept, and a
 *   notification says how many were dropped.
 */
import type * as Sarif from 'sarif';
import { redactJwts } from '../redact.js';
import { docsUrl, REPO_URL } from '../rule-help.js';
import {
  SEVERITY_RANK,
  type Finding,
  type Notice,
  type RuleInfo,
  type ScanResult,
  type SourceLocation,
} from '../types.js';
import type { ReporterOptions } from './options.js';

/** GitHub code scanning rejects runs with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000;
/** GitHub accepts at most this many locations of each kind per result. */
const MAX_LOCATIONS_PER_RESULT = 1_000;
/** GitHub truncates rule descriptions beyond this. */
const MAX_DESCRIPTION = 1_024;
/** GitHub shows at most 10 tags. */
const MAX_TAGS = 10;

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function truncate(text: string, max = MAX_DESCRIPTION): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A repository-relative path as a relative URI reference: forward slashes, no leading `./`, each
 * segment percent-encoded (a `:` in the first segment would otherwise read as a scheme). The upload
 * action and GitHub decode it with `decodeURIComponent`.
 */
export function pathToUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function tags(rule: RuleInfo): string[] {
  const all = ['security', ...rule.cwe.map((n) => `external/cwe/cwe-${n}`), ...rule.tags];
  return [...new Set(all)].slice(0, MAX_TAGS);
}

function ruleDescriptor(rule: RuleInfo): Sarif.ReportingDescriptor {
  const properties: Sarif.PropertyBag = { tags: tags(rule), precision: rule.precision };
  if (Number.isFinite(rule.securitySeverity)) {
    properties['security-severity'] = Math.min(10, Math.max(0, rule.securitySeverity)).toFixed(1);
  }
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: truncate(rule.description) },
    fullDescription: { text: truncate(rule.fullDescription || rule.description) },
    help: { text: rule.helpText, markdown: rule.helpMarkdown },
    helpUri: rule.docsUrl || docsUrl(rule.id),
    defaultConfiguration: { level: rule.level },
    properties,
  };
}

/**
 * For a finding whose rule is not in `result.rules` (should not happen): a minimal valid
 * descriptor.
 */
function fallbackDescriptor(id: string): Sarif.ReportingDescriptor {
  return {
    id,
    shortDescription: { text: id },
    fullDescription: { text: id },
    help: { text: `See ${docsUrl(id)}`, markdown: `See [the documentation](${docsUrl(id)}).` },
    properties: { tags: ['security'] },
  };
}

function physicalLocation(loc: SourceLocation): Sarif.PhysicalLocation {
  const startLine = Math.max(1, loc.start.line);
  const startColumn = Math.max(1, loc.start.column);
  let endLine = Math.max(startLine, loc.end.line);
  let endColumn = Math.max(1, loc.end.column);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  if (!Number.isFinite(endLine)) endLine = startLine;
  return {
    artifactLocation: { uri: pathToUri(loc.uri), uriBaseId: '%SRCROOT%' },
    region: { startLine, startColumn, endLine, endColumn },
  };
}

function toResult(finding: Finding, ruleIndex: number): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: redactJwts(finding.message) || finding.ruleId },
    locations: [{ physicalLocation: physicalLocation(finding.location) }],
  };
  if (finding.related.length > 0) {
    result.relatedLocations = finding.related.slice(0, MAX_LOCATIONS_PER_RESULT).map((loc, i) => {
      const related: Sarif.Location = { id: i + 1, physicalLocation: physicalLocation(loc) };
      if (loc.label) related.message = { text: redactJwts(loc.label) };
      return related;
    });
  }
  result.partialFingerprints = {
    primaryLocationLineHash: finding.fingerprints.primaryLocationLineHash,
    'jwtAudit/v1': finding.fingerprints.jwtAudit,
  };
  if (finding.suppression) {
    result.suppressions = [
      { kind: 'inSource', justification: redactJwts(finding.suppression.justification) },
    ];
  }
  return result;
}

function toNotification(notice: Notice, ruleIndexById: Map<string, number>): Sarif.Notification {
  const notification: Sarif.Notification = {
    descriptor: { id: notice.kind },
    level: notice.level,
    message: { text: redactJwts(notice.message) || notice.kind },
  };
  if (notice.file) {
    // Notices carry the cwd-relative path only, so no %SRCROOT% base is claimed for it.
    const physical: Sarif.PhysicalLocation = { artifactLocation: { uri: pathToUri(notice.file) } };
    if (notice.line && notice.line > 0) {
      physical.region = { startLine: notice.line };
      if (notice.column && notice.column > 0) physical.region.startColumn = notice.column;
    }
    notification.locations = [{ physicalLocation: physical }];
  }
  if (notice.ruleId) {
    const index = ruleIndexById.get(notice.ruleId);
    notification.associatedRule =
      index === undefined ? { id: notice.ruleId } : { id: notice.ruleId, index };
  }
  return notification;
}

/**
 * The findings that fit in one run: all of them, or the `max` most severe (ties keep input order),
 * returned in input order.
 */
export function capFindings(findings: Finding[], max = MAX_RESULTS_PER_RUN): Finding[] {
  if (findings.length <= max) return findings;
  const kept = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i);
  return kept.map((k) => k.f);
}

export function buildSarifLog(result: ScanResult): Sarif.Log {
  const rules = result.rules.map(ruleDescriptor);
  const ruleIndexById = new Map<string, number>();
  result.rules.forEach((r, i) => {
    if (!ruleIndexById.has(r.id)) ruleIndexById.set(r.id, i);
  });
  for (const f of result.findings) {
    if (!ruleIndexById.has(f.ruleId)) {
      ruleIndexById.set(f.ruleId, rules.length);
      rules.push(fallbackDescriptor(f.ruleId));
    }
  }

  const kept = capFindings(result.findings);
  const notifications = result.notices.map((n) => toNotification(n, ruleIndexById));
  if (kept.length < result.findings.length) {
    const dropped = result.findings.length - kept.length;
    notifications.push({
      descriptor: { id: 'results-truncated' },
      level: 'warning',
      message: {
        text:
          `jwt-audit found ${result.findings.length} findings, ` +
          `but GitHub code scanning accepts at most ${MAX_RESULTS_PER_RUN} results per run: ` +
          `the ${dropped} least severe were left out of this SARIF file. ` +
          'Use --format json for the full list.',
      },
    });
  }

  const invocation: Sarif.Invocation = {
    executionSuccessful: !result.notices.some((n) => n.kind === 'rule-error'),
    toolExecutionNotifications: notifications,
  };
  if (result.timing) {
    invocation.startTimeUtc = result.timing.startTimeUtc;
    invocation.endTimeUtc = result.timing.endTimeUtc;
  }

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'jwt-audit',
            version: result.toolVersion,
            semanticVersion: result.toolVersion,
            informationUri: REPO_URL,
            rules,
          },
        },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results: kept.map((f) => toResult(f, ruleIndexById.get(f.ruleId)!)),
      },
    ],
  };
}

export function sarifReporter(result: ScanResult, _options: ReporterOptions): string {
  return `${JSON.stringify(buildSarifLog(result), null, 2)}\n`;
}
