/**
 * Config `overrides` (ESLint-style per-file rule levels), applied to a finished scan: the engine
 * runs every rule that is on for some file, then each finding takes the level its file's
 * overrides give (or is dropped where they turn its rule off).
 */
import path from 'node:path';
import { dropFindings } from './baseline.js';
import { rulesForFile, type JwtAuditConfig } from './config.js';
import type { Finding, ScanResult, Severity } from './types.js';

/**
 * The config the engine runs with: a rule that `rules` turns off but an override turns on for some
 * files runs (at its default level), so that its findings exist to be kept for those files.
 */
export function engineConfig(config: JwtAuditConfig): JwtAuditConfig {
  if (config.overrides.length === 0) return config;
  const rules = { ...config.rules };
  for (const override of config.overrides) {
    for (const [id, level] of Object.entries(override.rules)) {
      if (level !== 'off' && rules[id] === 'off') delete rules[id];
    }
  }
  return { ...config, rules };
}

/** Findings at the level their file's overrides give; those turned off are dropped. */
export function applyOverrides(
  result: ScanResult,
  config: JwtAuditConfig,
  cwd: string,
): ScanResult {
  if (config.overrides.length === 0) return result;
  const levelOf = (f: Finding) =>
    rulesForFile(config, path.resolve(cwd, f.location.file), cwd)[f.ruleId];
  const kept = dropFindings(result, (f) => levelOf(f) === 'off');
  const bySeverity = { ...kept.summary.bySeverity };
  const findings = kept.findings.map((f) => {
    const level = levelOf(f) as Severity | undefined;
    if (level === undefined || level === f.severity) return f;
    if (!f.suppression) {
      bySeverity[f.severity]--;
      bySeverity[level]++;
    }
    return { ...f, severity: level };
  });
  return { ...kept, findings, summary: { ...kept.summary, bySeverity } };
}
