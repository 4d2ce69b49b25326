/**
 * Machine-readable report (`--format json`), also accepted by `--baseline`.
 *
 * Shape (keys always in this order; optional keys are omitted, never `null`):
 *
 * ```jsonc
 * {
 *   "version": "0.1.0",                  // jwt-audit version that produced the report
 *   "findings": [                        // sorted by file, line, column, rule id
 *     {
 *       "ruleId": "silent-verify-failure",
 *       "severity": "error",             // "error" | "warning" | "note"
 *       "message": "Failure of 'jwt.verify' is rejected without a log, metric or rethrow.",
 *       "location": {
 *         "file": "src/auth/jwt.ts",     // relative to the working directory, forward slashes
 *         "uri": "src/auth/jwt.ts",      // relative to the repository root
 *         "start": { "line": 8, "column": 17 }, // 1-based; columns in UTF-16 code units
 *         "end": { "line": 8, "column": 44 }    // exclusive end
 *       },
 *       "related": [                     // same shape as location, plus "label"
 *         { "file": "…", "uri": "…", "start": {…}, "end": {…}, "label": "catch clause" }
 *       ],
 *       "fingerprints": {
 *         "primaryLocationLineHash": "3f2a…:1", // GitHub's line hash
 *         "jwtAudit": "9c1e…"            // line-independent; what --baseline matches on
 *       },
 *       "suppression": { "kind": "inSource", "justification": "…" } // only with
 *                                        // --include-suppressed
 *     }
 *   ],
 *   "summary": {
 *     "filesScanned": 12, "filesSkipped": 1, "testFilesSkipped": 3,
 *     "findings": 4,                     // not counting suppressed ones
 *     "bySeverity": { "error": 2, "warning": 1, "note": 1 },
 *     "byRule": { "missing-rate-limit": 1, … }, // rule ids sorted
 *     "suppressed": 2,
 *     "rateLimitedUpstream": "…",        // only when configured
 *     "baselineHidden": 5                // only with --baseline: known findings not shown
 *   },
 *   "errors": [                          // problems of the run itself, not findings
 *     { "kind": "parse-error", "level": "warning", "message": "…", "file": "…", "line": 3,
 *       "column": 7, "ruleId": "…" }     // kind: parse-error | skipped | rule-error | config
 *   ]
 * }
 * ```
 *
 * Messages have JWT-looking strings replaced by `eyJ…[redacted]`. The output is deterministic: no
 * timestamps, stable order; the same input gives byte-identical output.
 */
import { redactJwts } from '../redact.js';
import type { Finding, Notice, ScanResult, ScanSummary, SourceLocation } from '../types.js';
import type { ReporterOptions } from './options.js';

function location(loc: SourceLocation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    file: loc.file,
    uri: loc.uri,
    start: { line: loc.start.line, column: loc.start.column },
    end: { line: loc.end.line, column: loc.end.column },
  };
  if (loc.label !== undefined) out.label = redactJwts(loc.label);
  return out;
}

function finding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    severity: f.severity,
    message: redactJwts(f.message),
    location: location(f.location),
    related: f.related.map(location),
    fingerprints: {
      primaryLocationLineHash: f.fingerprints.primaryLocationLineHash,
      jwtAudit: f.fingerprints.jwtAudit,
    },
  };
  if (f.suppression) {
    out.suppression = {
      kind: f.suppression.kind,
      justification: redactJwts(f.suppression.justification),
    };
  }
  return out;
}

function summary(s: ScanSummary): Record<string, unknown> {
  const byRule: Record<string, number> = {};
  for (const id of Object.keys(s.byRule).sort()) byRule[id] = s.byRule[id];
  const out: Record<string, unknown> = {
    filesScanned: s.filesScanned,
    filesSkipped: s.filesSkipped,
    testFilesSkipped: s.testFilesSkipped,
    findings: s.findings,
    bySeverity: {
      error: s.bySeverity.error,
      warning: s.bySeverity.warning,
      note: s.bySeverity.note,
    },
    byRule,
    suppressed: s.suppressed,
  };
  if (s.rateLimitedUpstream !== undefined)
    out.rateLimitedUpstream = redactJwts(s.rateLimitedUpstream);
  if (s.baselineHidden !== undefined) out.baselineHidden = s.baselineHidden;
  return out;
}

function notice(n: Notice): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: n.kind,
    level: n.level,
    message: redactJwts(n.message),
  };
  if (n.file !== undefined) out.file = n.file;
  if (n.line !== undefined) out.line = n.line;
  if (n.column !== undefined) out.column = n.column;
  if (n.ruleId !== undefined) out.ruleId = n.ruleId;
  return out;
}

export function jsonReporter(result: ScanResult, _options: ReporterOptions): string {
  const report = {
    version: result.toolVersion,
    findings: result.findings.map(finding),
    summary: summary(result.summary),
    errors: result.notices.map(notice),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
