/**
 * `--baseline <report>`: report only findings that are not in an earlier json or SARIF report.
 * Findings are matched by jwt-audit's line-independent fingerprint (`fingerprints.jwtAudit`;
 * in SARIF, the `partialFingerprints` entry whose key starts with `jwtAudit`), so edits above a
 * finding do not make it "new". Pure: the CLI reads the file.
 */
import { UsageError } from './errors.js';
import type { Finding, ScanResult, Severity } from './types.js';

/** The jwt-audit fingerprints recorded in a json or SARIF report's text. */
export function readBaselineFingerprints(text: string, display: string): Set<string> {
  let report: unknown;
  try {
    report = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new UsageError(`baseline ${display} is not valid JSON. Pass a report written by "jwt-audit scan --format json" or "--format sarif"`);
  }
  const fingerprints = new Set<string>();
  if (isObject(report) && Array.isArray(report.runs)) {
    for (const run of report.runs) {
      const results = isObject(run) && Array.isArray(run.results) ? run.results : [];
      for (const result of results) {
        if (!isObject(result)) continue;
        for (const bag of [result.partialFingerprints, result.fingerprints]) {
          if (!isObject(bag)) continue;
          for (const [key, value] of Object.entries(bag)) {
            if (/^jwtaudit/i.test(key) && typeof value === 'string') fingerprints.add(value);
          }
        }
      }
    }
    return fingerprints;
  }
  if (isObject(report) && Array.isArray(report.findings)) {
    for (const finding of report.findings) {
      const value = isObject(finding) && isObject(finding.fingerprints) ? finding.fingerprints.jwtAudit : undefined;
      if (typeof value === 'string') fingerprints.add(value);
    }
    return fingerprints;
  }
  throw new UsageError(
    `baseline ${display} is neither a jwt-audit json report nor a SARIF file. Pass a report written by "jwt-audit scan --format json" or "--format sarif"`,
  );
}

/** The result without the findings whose fingerprint is in the baseline; the summary follows. */
export function applyBaseline(result: ScanResult, baseline: ReadonlySet<string>): ScanResult {
  return dropFindings(result, (finding) => baseline.has(finding.fingerprints.jwtAudit));
}

/** Removes findings and keeps the summary consistent (counts are decremented, not recomputed). */
export function dropFindings(result: ScanResult, drop: (finding: Finding) => boolean): ScanResult {
  const kept: Finding[] = [];
  const summary = {
    ...result.summary,
    bySeverity: { ...result.summary.bySeverity },
    byRule: { ...result.summary.byRule },
  };
  for (const finding of result.findings) {
    if (!drop(finding)) {
      kept.push(finding);
      continue;
    }
    if (finding.suppression) {
      summary.suppressed = Math.max(0, summary.suppressed - 1);
      continue;
    }
    summary.findings = Math.max(0, summary.findings - 1);
    const severity: Severity = finding.severity;
    summary.bySeverity[severity] = Math.max(0, (summary.bySeverity[severity] ?? 0) - 1);
    const remaining = (summary.byRule[finding.ruleId] ?? 0) - 1;
    if (remaining > 0) summary.byRule[finding.ruleId] = remaining;
    else delete summary.byRule[finding.ruleId];
  }
  return { ...result, findings: kept, summary };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
