/**
 * `--baseline <report>`: report only findings that are not in an earlier json or SARIF report.
 * Findings are matched by jwt-audit's line-independent fingerprint (`fingerprints.jwtAudit`;
 * in SARIF, the `partialFingerprints` entry whose key starts with `jwtAudit`), so edits above a
 * finding do not make it "new". Identical code in the same function has the same fingerprint, so
 * the baseline is a multiset: a fingerprint recorded twice excuses two findings, and a third copy
 * is new. Pure: the CLI reads the file.
 */
import { UsageError } from './errors.js';
import type { Finding, ScanResult, Severity } from './types.js';

/** Fingerprint -> how many findings with it the baseline report holds. */
export type BaselineCounts = ReadonlyMap<string, number>;

/**
 * The jwt-audit fingerprints recorded in a json or SARIF report's text, with their counts.
 * Findings the report marks as suppressed (written with `--include-suppressed`) are not counted:
 * they were never accepted as known, so removing their directive makes them new.
 */
export function readBaselineFingerprints(text: string, display: string): BaselineCounts {
  let report: unknown;
  try {
    report = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new UsageError(
      `baseline ${display} is not valid JSON. ` +
        `Pass a report written by "jwt-audit scan --format json" or "--format sarif"`,
    );
  }
  const counts = new Map<string, number>();
  const add = (fingerprint: string): void => {
    counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
  };
  if (isObject(report) && Array.isArray(report.runs)) {
    for (const run of report.runs) {
      const results = isObject(run) && Array.isArray(run.results) ? run.results : [];
      for (const result of results) {
        if (!isObject(result)) continue;
        if (Array.isArray(result.suppressions) && result.suppressions.length > 0) continue;
        const fingerprint = sarifFingerprint(result);
        if (fingerprint !== undefined) add(fingerprint);
      }
    }
    return counts;
  }
  if (isObject(report) && Array.isArray(report.findings)) {
    for (const finding of report.findings) {
      if (!isObject(finding) || finding.suppression !== undefined) continue;
      const value = isObject(finding.fingerprints) ? finding.fingerprints.jwtAudit : undefined;
      if (typeof value === 'string') add(value);
    }
    return counts;
  }
  throw new UsageError(
    `baseline ${display} is neither a jwt-audit json report nor a SARIF file. ` +
      `Pass a report written by "jwt-audit scan --format json" or "--format sarif"`,
  );
}

/** A SARIF result's jwt-audit fingerprint (one per result, even if both bags carry it). */
function sarifFingerprint(result: Record<string, unknown>): string | undefined {
  for (const bag of [result.partialFingerprints, result.fingerprints]) {
    if (!isObject(bag)) continue;
    for (const [key, value] of Object.entries(bag)) {
      if (/^jwtaudit/i.test(key) && typeof value === 'string') return value;
    }
  }
  return undefined;
}

/**
 * The result without the findings the baseline accounts for; the summary follows. Each baseline
 * entry excuses one finding: unsuppressed findings first, then suppressed ones, each in report
 * order (file, line, column), so with more copies than the baseline holds the later ones are new.
 */
export function applyBaseline(result: ScanResult, baseline: BaselineCounts): ScanResult {
  const remaining = new Map(baseline);
  const known = new Set<Finding>();
  for (const pass of [false, true]) {
    for (const finding of result.findings) {
      if ((finding.suppression !== undefined) !== pass) continue;
      const left = remaining.get(finding.fingerprints.jwtAudit) ?? 0;
      if (left === 0) continue;
      remaining.set(finding.fingerprints.jwtAudit, left - 1);
      known.add(finding);
    }
  }
  return dropFindings(result, (finding) => known.has(finding));
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
